//! `tcpmc conform`: the live kernel held against the model. The kernel is one endpoint in a
//! private network namespace; tcpmc plays the other endpoint and the network through a TUN
//! device.

pub mod diag;
pub mod kernel;
pub mod known;
pub mod netns;
pub mod numbers;
pub mod packet;
pub mod report;
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

    /// Runs `f` on a thread of its own inside a fresh namespace with `sysctls`; without the
    /// privilege it needs, says so on one line and skips.
    fn in_namespace(
        sysctls: &'static [(&'static str, &'static str)],
        f: impl FnOnce(&Namespace) + Send + 'static,
    ) {
        if let Err(e) = check_privilege() {
            eprintln!("skipped: {}", e.0);
            return;
        }
        let t = std::thread::spawn(move || {
            let ns = Namespace::enter(sysctls).expect("namespace");
            f(&ns);
        });
        t.join().expect("the namespace thread");
    }

    /// A passive open against the live kernel, end to end through the namespace and the TUN.
    #[test]
    fn a_handshake_with_the_kernel() {
        in_namespace(&[("net.ipv4.tcp_timestamps", "0")], |ns| {
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
    }

    /// A tiny table suite through the command's own path: rows the kernel and the `linux`
    /// variant agree on, one that differs as declared, and the verdicts counted.
    #[test]
    fn a_tiny_table_suite_agrees_with_linux() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let cfg = crate::input::settings::variant_config("linux").expect("variant");
            let all = tcpmc_model::reaction::cases(&cfg);
            let want = [
                "ESTABLISHED | RST | at RCV.NXT",
                "ESTABLISHED | RST | in window, after RCV.NXT",
                "SYN-RECEIVED (active open) | SYN,ACK | left of window",
                "FIN-WAIT-2 (after close) | DATA,ACK | at RCV.NXT",
                "TIME-WAIT | FIN,ACK | left of window",
                "CLOSING | DATA,ACK | right of window",
            ];
            let pick: Vec<usize> = want
                .iter()
                .map(|w| {
                    (0..all.len())
                        .find(|&i| {
                            let r = &all[i].reaction;
                            format!("{} | {} | {}", r.state, r.segment, r.case) == *w
                        })
                        .unwrap_or_else(|| panic!("row {w}"))
                })
                .collect();
            let out = super::table::run(ns, &cfg, Some(&pick));
            let report = super::report::Report::new("linux", "table", ns.sysctls.clone(), out);
            let verdicts: Vec<(&str, bool)> = report
                .rows
                .iter()
                .map(|r| {
                    (
                        r.outcome.state.as_str(),
                        r.outcome.verdict == super::table::Verdict::Agree,
                    )
                })
                .collect();
            assert_eq!(
                verdicts,
                vec![
                    ("ESTABLISHED", true),
                    ("ESTABLISHED", true),
                    ("SYN-RECEIVED (active open)", true),
                    ("FIN-WAIT-2 (after close)", true),
                    ("TIME-WAIT", true),
                    ("CLOSING", false),
                ],
                "{}",
                super::report::render_markdown(&report)
            );
            assert_eq!(
                report.undeclared(),
                0,
                "{}",
                super::report::render_markdown(&report)
            );
            assert!(report.rows[5].declared.is_some());
        });
    }

    /// The whole table suite, as `tcpmc conform` runs it: no undeclared difference, and at least
    /// 95 % of the rows agree (`.ci/run` runs this through `cargo test`).
    #[test]
    fn the_table_suite_has_no_undeclared_difference() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let cfg = crate::input::settings::variant_config("linux").expect("variant");
            let out = super::table::run(ns, &cfg, None);
            let report = super::report::Report::new("linux", "table", ns.sysctls.clone(), out);
            let md = super::report::render_markdown(&report);
            assert_eq!(report.undeclared(), 0, "{md}");
            assert!(report.agree() * 100 >= report.rows.len() * 95, "{md}");
        });
    }
}
