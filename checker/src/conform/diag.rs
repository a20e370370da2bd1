//! The state of a kernel socket that has no descriptor (TIME-WAIT, an orphaned FIN-WAIT-2 or
//! LAST-ACK, a passive open's request socket), read through the sock_diag netlink interface by
//! 4-tuple (netlink-packet-sock-diag).

use super::kernel::linux_state;
use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_sock_diag::{
    constants::{AF_INET, IPPROTO_TCP},
    inet::{ExtensionFlags, InetRequest, SocketId, StateFlags},
    SockDiagMessage,
};
use netlink_sys::{protocols::NETLINK_SOCK_DIAG, Socket, SocketAddr};
use std::io;
use std::net::{IpAddr, SocketAddrV4};
use tcpmc_model::TcpState;

/// The state of the TCP socket `local` ↔ `remote` in this thread's namespace, if one exists.
pub fn state_of(local: SocketAddrV4, remote: SocketAddrV4) -> io::Result<Option<TcpState>> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
    socket.bind_auto()?;
    socket.connect(&SocketAddr::new(0, 0))?;
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let mut packet = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family: AF_INET,
            protocol: IPPROTO_TCP,
            extensions: ExtensionFlags::empty(),
            states: StateFlags::all(),
            socket_id: SocketId::new_v4(),
        })
        .into(),
    );
    packet.finalize();
    let mut buf = vec![0; packet.header.length as usize];
    packet.serialize(&mut buf[..]);
    socket.send(&buf[..], 0)?;

    let mut found = None;
    let mut recv = vec![0u8; 1 << 16];
    loop {
        let n = socket.recv(&mut &mut recv[..], 0)?;
        let mut offset = 0;
        while offset < n {
            let bytes = &recv[offset..n];
            let msg = NetlinkMessage::<SockDiagMessage>::deserialize(bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let len = msg.header.length as usize;
            match msg.payload {
                NetlinkPayload::Done(_) => return Ok(found),
                NetlinkPayload::Error(e) => {
                    return Err(io::Error::other(format!("sock_diag: {e:?}")));
                }
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r)) => {
                    let id = &r.header.socket_id;
                    let matches = id.source_port == local.port()
                        && id.destination_port == remote.port()
                        && id.source_address == IpAddr::V4(*local.ip())
                        && id.destination_address == IpAddr::V4(*remote.ip());
                    if matches {
                        found = linux_state(r.header.state);
                    }
                }
                _ => {}
            }
            if len == 0 {
                return Ok(found);
            }
            offset += len;
        }
    }
}
