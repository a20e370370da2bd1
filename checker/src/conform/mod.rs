//! `tcpmc conform`: the live kernel held against the model. The kernel is one endpoint in a
//! private network namespace; tcpmc plays the other endpoint and the network through a TUN
//! device.

pub mod diag;
pub mod difference;
pub mod kernel;
pub mod known;
pub mod netns;
pub mod numbers;
pub mod packet;
pub mod path;
pub mod report;
pub mod scenarios;
pub mod table;
pub mod walks;

#[cfg(test)]
mod tests {
    use super::kernel::KernelEnd;
    use super::netns::{check_privilege, Namespace};
    use super::packet::{Wire, KERNEL_ADDR, PEER_ADDR};
    use std::net::SocketAddrV4;
    use std::time::Duration;
    use tcpmc_model::segment::flags::*;
    use tcpmc_model::TcpState;

    /// Runs `f` on a thread of its own inside a fresh namespace with `sysctls`. The tests that
    /// call it are ignored where the build found no root or TUN (build.rs); where it found them,
    /// a namespace that cannot be made fails the test.
    fn in_namespace(
        sysctls: &'static [(&'static str, &'static str)],
        f: impl FnOnce(&Namespace) + Send + 'static,
    ) {
        if let Err(e) = check_privilege() {
            panic!("{}", e.0);
        }
        let t = std::thread::spawn(move || {
            let ns = Namespace::enter(sysctls).expect("namespace");
            f(&ns);
        });
        t.join().expect("the namespace thread");
    }

    /// A passive open against the live kernel, end to end through the namespace and the TUN.
    #[test]
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
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
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
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
            let out = super::table::run(ns, &cfg, Some(&pick), &Default::default());
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
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
    fn the_table_suite_has_no_undeclared_difference() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let cfg = crate::input::settings::variant_config("linux").expect("variant");
            let out = super::table::run(ns, &cfg, None, &Default::default());
            let report = super::report::Report::new("linux", "table", ns.sysctls.clone(), out);
            let md = super::report::render_markdown(&report);
            assert_eq!(report.undeclared(), 0, "{md}");
            assert!(report.agree() * 100 >= report.rows.len() * 95, "{md}");
        });
    }

    /// Every examples/*.scenario with the kernel as A and as B: no undeclared difference, and
    /// every row that cannot run says why (`.ci/run` runs this through `cargo test`).
    #[test]
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
    fn the_scenario_suite_has_no_undeclared_difference() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let files = super::scenarios::files(&[]).expect("examples/");
            let prepared: Vec<_> = files
                .iter()
                .map(|f| super::scenarios::prepare(f, "linux").expect("scenario"))
                .collect();
            let out = super::scenarios::run(ns, &prepared, false, &Default::default());
            let report = super::report::Report::new("linux", "scenarios", ns.sysctls.clone(), out);
            let md = super::report::render_markdown(&report);
            assert_eq!(report.rows.len(), 2 * files.len(), "{md}");
            assert_eq!(report.undeclared(), 0, "{md}");
            for r in &report.rows {
                if r.outcome.verdict != super::table::Verdict::Agree {
                    assert!(!r.outcome.note.is_empty(), "{md}");
                }
            }
            // The handshake and the close run whole in both roles, but for TIME-WAIT's minute.
            let normal: Vec<_> = report
                .rows
                .iter()
                .filter(|r| r.outcome.state == "normal-open-close")
                .map(|r| (r.outcome.verdict.clone(), r.outcome.case.as_str()))
                .collect();
            assert_eq!(
                normal,
                vec![
                    (super::table::Verdict::Agree, "steps 1–28 of 30"),
                    (super::table::Verdict::Agree, "30 steps"),
                ],
                "{md}"
            );
        });
    }

    /// A difference is caught and written as a scenario that `tcpmc replay` stops on: the kernel
    /// held against a mutant of the model (the RFC 9293 stack, which sends a bare RST on abort
    /// where Linux sends RST,ACK).
    #[test]
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
    fn a_path_difference_becomes_a_replayable_scenario() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let mut cfg = crate::input::settings::variant_config("linux").expect("variant");
            cfg.active_rst = tcpmc_model::config::ActiveRst::Rst;
            let actions = [
                tcpmc_model::Action::Listen(tcpmc_model::Side::B),
                tcpmc_model::Action::Connect(tcpmc_model::Side::A, 0),
                tcpmc_model::Action::Deliver(0, 0),
                tcpmc_model::Action::Deliver(0, tcpmc_model::system::NO_CHOICE),
                tcpmc_model::Action::Deliver(0, tcpmc_model::system::NO_CHOICE),
                tcpmc_model::Action::Abort(tcpmc_model::Side::A),
            ];
            let path = super::path::path_of_actions(&cfg, &actions).expect("a path");
            let run =
                super::path::run(ns, &cfg, tcpmc_model::Side::A, &path, (21000, 51000), false);
            assert_eq!(run.verdict, super::table::Verdict::Differ, "{}", run.note);
            assert_eq!(run.stopped_at, Some(5), "{}", run.note);
            assert_eq!(
                (run.model_reply.as_str(), run.kernel_reply.as_str()),
                ("RST", "RST,ACK")
            );
            let text = super::difference::scenario(
                "abort",
                &[
                    "variant linux".to_string(),
                    "config active_rst=rst".to_string(),
                ],
                &path,
                &run,
                tcpmc_model::Side::A,
            )
            .expect("a scenario");
            let sc = crate::input::scenario_file::parse(&text).expect("it parses");
            let replayed = crate::commands::replay::run(&sc);
            assert!(!replayed.ok, "{text}");
            assert!(
                replayed
                    .text
                    .contains("step 'deliver A->B RST,ACK' is not enabled"),
                "{}",
                replayed.text
            );
        });
    }

    /// Seeded random walks: the same seed gives the same walks, and the kernel agrees with the
    /// `linux` model on them but for declared causes.
    #[test]
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
    fn walks_are_seeded_and_agree() {
        let cfg = crate::input::settings::variant_config("linux").expect("variant");
        let texts = |seed| -> Vec<String> {
            super::walks::walk(&cfg, seed, 3, tcpmc_model::Side::B)
                .iter()
                .map(|s| s.text.clone())
                .collect()
        };
        assert_eq!(texts(5), texts(5));
        assert_ne!(texts(5), texts(6));
        in_namespace(&super::table::SYSCTLS, move |ns| {
            let cfg = crate::input::settings::variant_config("linux").expect("variant");
            let out = super::walks::run(ns, &cfg, "linux", 16, 1, &Default::default());
            let report = super::report::Report::new("linux", "walks", ns.sysctls.clone(), out);
            let md = super::report::render_markdown(&report);
            assert_eq!(report.rows.len(), 16, "{md}");
            assert_eq!(report.undeclared(), 0, "{md}");
        });
    }

    /// A difference the `linux` variant declares by its cause: walk 25 of seed 1 gives the kernel
    /// a FIN beyond RCV.NXT, which Linux holds and the model drops; the data that fills the gap
    /// then takes the kernel to CLOSE-WAIT and the model to ESTABLISHED.
    #[test]
    #[cfg_attr(
        tcpmc_no_netns,
        ignore = "needs root, /dev/net/tun and network namespaces"
    )]
    fn an_out_of_order_difference_is_declared_by_its_cause() {
        in_namespace(&super::table::SYSCTLS, |ns| {
            let cfg = crate::input::settings::variant_config("linux").expect("variant");
            let path = super::walks::walk(&cfg, 1, 25, tcpmc_model::Side::B);
            let run =
                super::path::run(ns, &cfg, tcpmc_model::Side::B, &path, (22000, 52000), false);
            assert_eq!(run.verdict, super::table::Verdict::Differ, "{}", run.note);
            assert_eq!(run.cause, Some(super::path::cause::OUT_OF_ORDER));
            assert_eq!(
                (run.model_next.as_str(), run.kernel_next.as_str()),
                ("ESTABLISHED", "CLOSE-WAIT")
            );
            let o = super::path::outcome("walk 25", tcpmc_model::Side::B, path.len(), run);
            let report = super::report::Report::new("linux", "walks", ns.sysctls.clone(), vec![o]);
            assert_eq!(report.undeclared(), 0);
            assert!(report.rows[0].declared.is_some());
            // Another variant does not declare it.
            let o = report.rows.into_iter().next().expect("a row").outcome;
            let other = super::report::Report::new("bsd", "walks", vec![], vec![o]);
            assert_eq!(other.undeclared(), 1);
        });
    }
}
