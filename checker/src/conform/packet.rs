//! IPv4/TCP segments as they cross the TUN device: built with correct checksums and parsed with
//! etherparse (README, "tcpmc conform": why these crates).

use etherparse::{NetSlice, PacketBuilder, SlicedPacket, TransportSlice};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use tcpmc_model::segment::flags;

/// One TCP segment with real 32-bit numbers. `flags` uses the model's bits (`segment::flags`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub flags: u8,
    pub seq: u32,
    pub ack: u32,
    pub window: u16,
    pub payload: Vec<u8>,
}

impl Wire {
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// SEG.LEN: payload plus one for SYN and one for FIN.
    pub fn seg_len(&self) -> u32 {
        self.payload.len() as u32 + self.has(flags::SYN) as u32 + self.has(flags::FIN) as u32
    }

    /// The flags as the model writes them (`SYN,ACK`, `DATA,ACK`).
    pub fn flag_names(&self) -> String {
        tcpmc_model::Segment {
            flags: self.flags,
            len: (!self.payload.is_empty()) as u8,
            ..Default::default()
        }
        .flag_names()
    }

    /// The IPv4 packet: header, TCP header and payload, both checksums computed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut tcp = PacketBuilder::ipv4(self.src.ip().octets(), self.dst.ip().octets(), 64).tcp(
            self.src.port(),
            self.dst.port(),
            self.seq,
            self.window,
        );
        if self.has(flags::SYN) {
            tcp = tcp.syn();
        }
        if self.has(flags::FIN) {
            tcp = tcp.fin();
        }
        if self.has(flags::RST) {
            tcp = tcp.rst();
        }
        if self.has(flags::ACK) {
            tcp = tcp.ack(self.ack);
        }
        if !self.payload.is_empty() {
            tcp = tcp.psh();
        }
        let mut out = Vec::with_capacity(tcp.size(self.payload.len()));
        // Writing into a Vec cannot fail for lack of space; a payload too large for IPv4 is the
        // only error, and segments here carry at most one byte.
        if tcp.write(&mut out, &self.payload).is_err() {
            out.clear();
        }
        out
    }

    /// Parses an IPv4/TCP packet; anything else (IPv6, UDP, a truncated packet) is `None`.
    pub fn parse(bytes: &[u8]) -> Option<Wire> {
        let p = SlicedPacket::from_ip(bytes).ok()?;
        let Some(NetSlice::Ipv4(ip)) = p.net else {
            return None;
        };
        let Some(TransportSlice::Tcp(tcp)) = p.transport else {
            return None;
        };
        let (src, dst) = (ip.header().source_addr(), ip.header().destination_addr());
        let mut f = 0;
        for (set, bit) in [
            (tcp.syn(), flags::SYN),
            (tcp.ack(), flags::ACK),
            (tcp.fin(), flags::FIN),
            (tcp.rst(), flags::RST),
        ] {
            if set {
                f |= bit;
            }
        }
        Some(Wire {
            src: SocketAddrV4::new(src, tcp.source_port()),
            dst: SocketAddrV4::new(dst, tcp.destination_port()),
            flags: f,
            seq: tcp.sequence_number(),
            ack: if tcp.ack() {
                tcp.acknowledgment_number()
            } else {
                0
            },
            window: tcp.window_size(),
            payload: tcp.payload().to_vec(),
        })
    }
}

impl fmt::Display for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} -> {} {} seq={}",
            self.src,
            self.dst,
            self.flag_names(),
            self.seq
        )?;
        if self.has(flags::ACK) {
            write!(f, " ack={}", self.ack)?;
        }
        write!(f, " win={}", self.window)
    }
}

/// The address tcpmc gives the kernel's end of the TUN device, and the one it plays itself.
pub const KERNEL_ADDR: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
pub const PEER_ADDR: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);

#[cfg(test)]
mod tests {
    use super::*;
    use flags::*;

    fn wire(f: u8, payload: &[u8]) -> Wire {
        Wire {
            src: SocketAddrV4::new(PEER_ADDR, 40000),
            dst: SocketAddrV4::new(KERNEL_ADDR, 80),
            flags: f,
            seq: 0xfffffff0,
            ack: if f & ACK != 0 { 12345 } else { 0 },
            window: 512,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn every_flag_set_and_payload_round_trips() {
        for f in [
            SYN,
            SYN | ACK,
            ACK,
            FIN | ACK,
            FIN,
            SYN | FIN,
            RST,
            RST | ACK,
        ] {
            for payload in [&b""[..], &b"x"[..]] {
                let w = wire(f, payload);
                let bytes = w.to_bytes();
                assert_eq!(bytes.len(), 40 + payload.len());
                assert_eq!(Wire::parse(&bytes), Some(w.clone()), "{w}");
            }
        }
    }

    #[test]
    fn checksums_are_valid() {
        let bytes = wire(SYN | ACK, b"x").to_bytes();
        let p = SlicedPacket::from_ip(&bytes).expect("parses");
        let (Some(NetSlice::Ipv4(ip)), Some(TransportSlice::Tcp(tcp))) = (p.net, p.transport)
        else {
            panic!("IPv4/TCP expected");
        };
        let header = ip.header().to_header();
        assert_eq!(header.header_checksum, header.calc_header_checksum());
        let sum = tcp
            .calc_checksum_ipv4(ip.header().source(), ip.header().destination())
            .expect("checksum");
        assert_eq!(tcp.checksum(), sum);
    }

    #[test]
    fn non_tcp_packets_are_ignored() {
        assert_eq!(Wire::parse(&[0x60, 0, 0, 0]), None);
        assert_eq!(Wire::parse(&[]), None);
    }
}
