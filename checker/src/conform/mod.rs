//! `tcpmc conform`: the live kernel held against the model. The kernel is one endpoint in a
//! private network namespace; tcpmc plays the other endpoint and the network through a TUN
//! device.

pub mod diag;
pub mod kernel;
pub mod netns;
pub mod numbers;
pub mod packet;
pub mod table;

#[cfg(test)]
mod tests {
    use super::kernel::KernelEnd;
    use super::netns::{check_privilege, Namespace};
    use super::packet::{Wire, KERNEL_ADDR, PEER_ADDR};
    use std::net::SocketAddrV4;
    use std::time::Duration;
    use tcpmc_model::segment::flags::*;
    use tcpmc_model::TcpState;

    /// A passive open against the live kernel, end to end through the namespace and the TUN.
    #[test]
    fn a_handshake_with_the_kernel() {
        if let Err(e) = check_privilege() {
            eprintln!("skipped: {}", e.0);
            return;
        }
        let t = std::thread::spawn(|| {
            let ns = Namespace::enter(&[("net.ipv4.tcp_timestamps", "0")]).expect("namespace");
            let local = SocketAddrV4::new(KERNEL_ADDR, 8080);
            let remote = SocketAddrV4::new(PEER_ADDR, 40000);
            let mut k = KernelEnd::new(local, remote);
            k.listen().expect("listen");
            assert_eq!(k.state(), TcpState::Listen);
            let syn = Wire {
                src: remote,
                dst: local,
                flags: SYN,
                seq: 1000,
                ack: 0,
                window: 4096,
                payload: vec![],
            };
            ns.send(&syn).expect("send");
            let r = ns
                .recv(Duration::from_secs(1))
                .expect("recv")
                .expect("a SYN,ACK");
            assert_eq!((r.flags, r.ack), (SYN | ACK, 1001), "{r}");
            assert_eq!(k.state(), TcpState::SynReceived);
            let ack = Wire {
                flags: ACK,
                seq: 1001,
                ack: r.seq.wrapping_add(1),
                ..syn
            };
            ns.send(&ack).expect("send");
            std::thread::sleep(Duration::from_millis(50));
            assert!(k.accept().expect("accept"));
            assert_eq!(k.state(), TcpState::Established);
        });
        t.join().expect("the namespace thread");
    }

    /// The whole table against the kernel (`--nocapture` prints it): a development aid.
    #[test]
    #[ignore]
    fn print_the_table_suite() {
        if let Err(e) = check_privilege() {
            eprintln!("skipped: {}", e.0);
            return;
        }
        let t = std::thread::spawn(|| {
            let ns = Namespace::enter(&super::table::SYSCTLS).expect("namespace");
            println!(
                "invalid_ratelimit={:?}",
                std::fs::read_to_string("/proc/sys/net/ipv4/tcp_invalid_ratelimit")
            );
            let variant = std::env::var("CONFORM_VARIANT").unwrap_or_else(|_| "linux".into());
            let cfg = crate::variant::variant_config(&variant).expect("variant");
            let all = tcpmc_model::reaction::cases(&cfg);
            let only = std::env::var("CONFORM_ONLY").ok();
            let pick: Option<Vec<usize>> = only.as_ref().map(|f| {
                (0..all.len())
                    .filter(|&i| {
                        let r = &all[i].reaction;
                        format!("{} | {} | {}", r.state, r.segment, r.case).contains(f.as_str())
                    })
                    .collect()
            });
            let out = super::table::run(&ns, &cfg, pick.as_deref());
            if only.is_some() {
                for o in &out {
                    println!(
                        "== {} | {} | {}: {:?} {}",
                        o.state, o.segment, o.case, o.verdict, o.note
                    );
                    for w in &o.exchange {
                        println!("   {w} payload={}", w.payload.len());
                    }
                }
            }
            let agree = out
                .iter()
                .filter(|o| o.verdict == super::table::Verdict::Agree)
                .count();
            for o in &out {
                if o.verdict != super::table::Verdict::Agree {
                    println!(
                        "{:?} | {} | {} | {} | {}",
                        o.verdict, o.state, o.segment, o.case, o.note
                    );
                }
            }
            println!("agree {agree} of {}", out.len());
        });
        t.join().expect("the namespace thread");
    }
}
