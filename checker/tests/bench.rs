//! `tcpmc bench`: the table's shape and counts that do not depend on the thread count or the
//! search. No timing is asserted.

mod common;
use common::*;

#[test]
fn bench_prints_a_table_with_equal_counts_for_every_thread_count() {
    let o = tcpmc(&["bench", "--ladder", "test", "--threads", "1,2"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let rows: Vec<Vec<String>> = out
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(rows[0][0], "configuration");
    assert!(rows.iter().all(|r| r.len() == 11), "{out}");
    let data = &rows[2..];
    // Two rungs, each: BFS with 1 and 2 threads, DFS, the liveness graph with 1 and 2 threads.
    assert_eq!(data.len(), 10, "{out}");
    for rung in data.chunks(5) {
        let runs: Vec<(&str, &str)> = rung
            .iter()
            .map(|r| (r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(
            runs,
            [
                ("safety bfs", "1"),
                ("safety bfs", "2"),
                ("safety dfs", "1"),
                ("liveness graph", "1"),
                ("liveness graph", "2")
            ]
        );
        // unique, generated, cut: equal for both thread counts and both searches.
        let counts = |r: &Vec<String>| (r[3].clone(), r[4].clone(), r[5].clone());
        assert_eq!(counts(&rung[0]), counts(&rung[1]));
        assert_eq!(counts(&rung[0]), counts(&rung[2]));
        assert_eq!(rung[0][3], rung[3][3], "the graph has the same states");
        assert_eq!(rung[3][3..6], rung[4][3..6], "for any thread count");
        assert!(rung[0][3].parse::<u64>().unwrap() > 0);
    }
    assert_eq!(out.matches("counts and verdicts agree").count(), 2, "{out}");
    assert!(!out.contains("MISMATCH"));
}
