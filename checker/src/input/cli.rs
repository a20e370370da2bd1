//! The command line (clap): every subcommand, its flags and the values they take.

use crate::input::error::InputError;
use clap::{Args, Parser, Subcommand};
use serde_json::Value;
use std::path::PathBuf;

const ABOUT: &str = "tcpmc — a model checker for the TCP connection lifecycle (RFC 9293)";

const LONG_ABOUT: &str = "\
tcpmc — a model checker for the TCP connection lifecycle (RFC 9293).

It explores every behaviour of two TCP endpoints, A and B, on one 4-tuple: handshakes (also
simultaneous open), data, half-close, the four-way and simultaneous close, RST generation and
validation, retransmission with a retry limit, TIME-WAIT and the reuse of the 4-tuple by later
incarnations, over a network that loses, reorders and (optionally) duplicates segments, each of
which lives less than MSL ticks. It then reports, for every property, HOLDS or VIOLATED with the
shortest counterexample.

Start with:   tcpmc check
Then try:     tcpmc check --time-wait 0           (TIME-WAIT's first reason)
              tcpmc check --isn any               (what the ISN generator protects)
              tcpmc check --list                  (the properties)";

#[derive(Parser, Debug)]
#[command(name = "tcpmc", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check safety and liveness properties exhaustively and report coverage.
    ///
    /// With no flags: the baseline configuration, under which every property holds. Precedence:
    /// defaults, then --config FILE, then --variant, then field flags. Exit status: 0 every invariant and
    /// liveness property holds, 1 one is violated, 2 bad input, 3 a limit (--max-states,
    /// --max-memory) stopped the search before any violation was found.
    Check(CheckArgs),
    /// Walk a scenario file through the model, step by step.
    ///
    /// One step per line (`A connect`, `deliver A->B SYN,ACK`, `tick 2`, `expect A ESTABLISHED`),
    /// `#` starts a comment, `config key=value` and `variant NAME` lines come first. Exit status:
    /// 0 every step ran (`OK`), 1 a step is not enabled or an expect fails, 2 a bad file.
    Replay(ReplayArgs),
    /// Print the model's reaction to every kind of arriving segment in every state.
    ///
    /// The reply, the next state and what the application is told, computed by the model's own
    /// segment processing (RFC 9293 §3.10.7). Exit status: 0, or 2 on bad input.
    Table(TableArgs),
    /// Hold the live Linux kernel against the model (needs root: a private network namespace).
    ///
    /// The kernel is one endpoint, in a network namespace of tcpmc's own with a TUN device; tcpmc
    /// plays the other endpoint and the network. Suite `table`: every reaction-table row (`tcpmc
    /// table`) is brought about in the kernel by a real exchange, its probe segment injected with
    /// the kernel's numbers, and the kernel's reply and next state compared with the row's.
    /// Suites `scenarios` and `walks`: a path of the model (a scenario file, a seeded random
    /// walk) is run step by step, the kernel's segments and state held against the model's.
    /// Exit status: 0 every row agrees or differs as the variant declares, 1 an undeclared
    /// difference, 2 bad input or no privilege.
    Conform(ConformArgs),
    /// List the named variants: stacks (one at a time) and modifiers (combine with --variant A,B).
    Variants,
    /// Check every variant × parameter value and print the matrix variant × property.
    ///
    /// Each run is one check (single-threaded); runs go in parallel (--jobs). Cells: HOLDS,
    /// VIOLATED (counterexample steps), REACHED / NOT REACHED. Markdown on stdout (--json for
    /// JSON); with --out DIR each violated run's counterexample files go to DIR/<run>/ and the
    /// matrix to DIR/sweep.md and DIR/sweep.json. At most 10,000 runs; --plan, --cell and
    /// --merge spread a sweep over machines. Exit status: 0, or 2 on bad input.
    Sweep(SweepArgs),
    /// Find the smallest value of an integer parameter for which the chosen properties hold.
    ///
    /// Checks every value from --from to --to (monotonicity is checked, not assumed), prints the
    /// verdict per value, the smallest value from which all later ones hold, and the shortest
    /// counterexample for the value just below it. Exit status: 0 a value was found, 1 none in
    /// the range holds, 2 bad input.
    Minimize(MinimizeArgs),
    /// Draw each endpoint's TCP state diagram as the model explores it, against RFC 9293 §3.3.2.
    ///
    /// Explores the whole state space of the configuration and projects every transition onto
    /// each endpoint ("event / response"). Transitions the RFC figure lacks are blue; figure
    /// transitions the model never takes are dashed. DOT on stdout or to --out (.svg renders it
    /// when Graphviz's dot is installed).
    Diagram(DiagramArgs),
    /// Write the whole reachable state space as DOT (small configurations only).
    ///
    /// The initial state is double-bordered, states violating an invariant are red, edges carry
    /// the action. Refuses above --max-states states; try --incarnations 1 --data-a 0 --data-b 0.
    Graph(GraphArgs),
    /// Browse the state space in stateright's Explorer (a web UI), one click per step.
    ///
    /// States read like TCP, actions are in the replay syntax (a clicked path can be pasted into
    /// a scenario file), the path so far is drawn as a sequence chart, and the properties panel
    /// lists tcpmc's properties. Serves until Ctrl-C. Exit status: 0, or 2 on bad input.
    Explore(ExploreArgs),
    /// Measure a fixed ladder of configurations and print a Markdown table (BENCHMARKS.md).
    ///
    /// Each configuration runs the BFS safety check once per thread count, the DFS safety check
    /// and the liveness graph build, each in a fresh child process so that its peak memory (the
    /// kernel's VmHWM) is its own. Counts must agree across runs; timings are the machine's.
    Bench(BenchArgs),
    /// One measurement of `tcpmc bench` (internal: prints one JSON line).
    #[command(hide = true)]
    BenchRun(BenchRunArgs),
}

/// stateright's habit.
pub const DEFAULT_EXPLORER_PORT: u16 = 3000;

#[derive(Args, Debug)]
pub struct ExploreArgs {
    /// Port to serve on.
    #[arg(long, value_name = "P", default_value_t = DEFAULT_EXPLORER_PORT)]
    pub port: u16,

    /// Address to listen on (0.0.0.0 serves other hosts too).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    #[command(flatten)]
    pub cfg: ConfigArgs,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// The ladder: test (seconds), quick (a minute or two) or full (BENCHMARKS.md).
    #[arg(long, value_name = "L", default_value = "quick", value_parser = ["test", "quick", "full"])]
    pub ladder: String,
    /// Thread counts for the BFS runs, comma-separated, each 1..=256.
    #[arg(
        long,
        value_name = "N,..",
        value_delimiter = ',',
        default_value = "1,2",
        value_parser = parse_threads
    )]
    pub threads: Vec<usize>,
    /// Give up a single run after this many seconds (its row then says timeout).
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,
    /// Also write the table to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct BenchRunArgs {
    #[arg(long, value_enum)]
    pub mode: Mode,
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The configuration as JSON.
    #[arg(long)]
    pub config_json: String,
    #[arg(long)]
    pub first_isn_any: bool,
    #[arg(long)]
    pub unsorted_network: bool,
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The scenario file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct TableArgs {
    /// The variants whose rules to tabulate (comma-separated; `tcpmc variants` lists them).
    #[arg(long, value_name = "V", default_value = crate::input::variant::BASELINE)]
    pub variant: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
}

/// Most worker threads a check may use: far beyond any machine's cores, and small enough that
/// spawning them cannot hang.
pub const MAX_THREADS: usize = 256;

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("must be a number in 1..={MAX_THREADS}")),
    }
}

/// The suites of `tcpmc conform`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// Every reaction-table row the kernel can be brought into.
    Table,
    /// Every examples/*.scenario (or each FILE), with the kernel as A and then as B.
    Scenarios,
    /// --walks N seeded random walks of the model, the kernel as A and B in turn.
    Walks,
}

#[derive(Args, Debug)]
pub struct ConformArgs {
    /// The variant whose rules the kernel is held against (`tcpmc variants`).
    #[arg(long, value_name = "V", default_value = "linux")]
    pub variant: String,
    /// The suite to run.
    #[arg(long, value_enum, default_value = "table")]
    pub suite: Suite,
    /// Run only the rows whose "state | segment | case" contains TEXT (e.g. "TIME-WAIT | RST").
    #[arg(long, value_name = "TEXT")]
    pub rows: Option<String>,
    /// Scenario files for --suite scenarios (default: examples/*.scenario).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// How many random walks --suite walks runs.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=20000))]
    pub walks: u64,
    /// The seed of --suite walks: the same seed gives the same walks.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Wait for the kernel's minute-long timers (TIME-WAIT's 60 s, tcp_fin_timeout) where a
    /// scenario's tick ends them; without it the scenario stops there, agreeing so far.
    #[arg(long)]
    pub slow: bool,
    #[command(flatten)]
    pub progress: ProgressArgs,
    /// Print the result as JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Write conform.md, conform.json and, for each difference, a pcap capture and (scenarios,
    /// walks) a `tcpmc replay` scenario of what the kernel did to DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Default bound of `tcpmc graph`: beyond a few thousand nodes Graphviz layouts are unreadable.
pub const DEFAULT_MAX_STATES: usize = 20_000;

#[derive(Args, Debug)]
pub struct DiagramArgs {
    /// Write the diagram to FILE (.dot, or .svg to render with Graphviz) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub progress: ProgressArgs,

    #[command(flatten)]
    pub cfg: ConfigArgs,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Write the state graph to FILE (DOT).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Refuse when the state space has more states than this.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,

    #[command(flatten)]
    pub progress: ProgressArgs,

    #[command(flatten)]
    pub cfg: ConfigArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Check only this property (repeatable). Default: every invariant, coverage goal and liveness
    /// property.
    #[arg(long = "property", value_name = "NAME")]
    pub properties: Vec<String>,

    /// Worker threads, 1..=256 (results are identical for any number).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,

    /// Safety search: bfs (multi-threaded, shortest traces), dfs (single-threaded, least memory,
    /// traces not shortest) or auto (dfs for the verdicts, bfs only for the shortest traces).
    #[arg(long, value_enum, value_name = "S", default_value = "bfs")]
    pub search: Search,

    /// Time: ticks (discrete, the reference) or dense (zones over the timers and segment ages,
    /// by BFS; large constants cost about what small ones cost) [default: the configuration's,
    /// ticks unless a variant such as linux-real says dense]
    #[arg(long, value_enum, value_name = "T")]
    pub time: Option<TimeSemantics>,

    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// Stop once every chosen property is decided (faster; the state counts are then partial).
    #[arg(long)]
    pub stop_early: bool,

    /// Liveness: the network does not lose every retransmission forever (strong fairness of
    /// delivery for each direction and kind of segment). Time is always weakly fair.
    #[arg(long)]
    pub fair_delivery: bool,

    /// Liveness: an application that can close eventually does (weak fairness of close).
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub fair_app: bool,

    /// Also write DIR/report.json and, per violated property, its trace graph and message
    /// sequence chart (DOT, plus SVG when Graphviz's dot is on PATH).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// List the properties with their descriptions and exit.
    #[arg(long)]
    pub list: bool,

    #[command(flatten)]
    pub progress: ProgressArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(flatten)]
    pub cfg: ConfigArgs,
}

/// Progress on stderr: a live line on a terminal, else a plain line every 5 s.
#[derive(Args, Debug, Default)]
pub struct ProgressArgs {
    /// Print no progress on stderr (by default: a live line on a terminal, else one line every
    /// 5 s; the report on stdout is the same either way).
    #[arg(long)]
    pub quiet: bool,
}

/// The limits of a check's search. Reaching one ends the search with a report of what is final
/// (a violation found is; a property not yet violated is unknown), exit status 3 (1 if a
/// violation was found).
#[derive(Args, Debug, Default)]
pub struct LimitArgs {
    /// Stop the search once it holds N unique states (exit status 3, or 1 if a violation was
    /// found by then).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_states: Option<u64>,

    /// Stop the search before the memory it uses (resident, plus any large allocation about to
    /// be made) exceeds SIZE: 512M, 4G, 1.5GiB (K, M, G, T are powers of 1024; KB, MB, GB
    /// powers of 1000). Exit status as for --max-states. [default: 80% of the memory available
    /// when the check starts (MemAvailable in /proc/meminfo)]
    #[arg(long, value_name = "SIZE", value_parser = crate::progress::parse_size)]
    pub max_memory: Option<u64>,
}

/// Where a command's configuration comes from: defaults or a file, then variants, then flags.
#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Read the configuration from FILE (.toml or .json; field names as in --help, snake_case).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Apply named variants (comma-separated; `tcpmc variants` lists them) before the field flags.
    #[arg(long, value_name = "V[,V...]")]
    pub variant: Option<String>,

    #[command(flatten)]
    pub fields: FieldFlags,
}

impl ConfigArgs {
    /// The validated configuration of a command that explores ticks only: a configuration
    /// with `time = dense` is refused.
    pub fn build(&self) -> Result<tcpmc_model::Config, InputError> {
        crate::input::settings::ticks_only(self.build_with_time(None)?)
    }

    /// The validated configuration, its `time` set by `time` when given (`tcpmc check --time`).
    pub fn build_with_time(
        &self,
        time: Option<TimeSemantics>,
    ) -> Result<tcpmc_model::Config, InputError> {
        let mut overrides = self.fields.overrides();
        if let Some(t) = time {
            overrides.insert(0, ("time", serde_json::Value::from(t.name())));
        }
        crate::input::settings::build(self.config.as_deref(), self.variant.as_deref(), &overrides)
    }
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Variants to sweep, comma-separated; combine several in one run with `+` (rfc9293+rfc1337).
    #[arg(
        long,
        value_name = "V,...",
        value_delimiter = ',',
        default_value = "baseline"
    )]
    pub variants: Vec<String>,

    /// An integer field and its values: NAME=A..B (inclusive) or NAME=A,B,C (repeatable: all
    /// combinations).
    #[arg(long, value_name = "NAME=RANGE")]
    pub param: Vec<String>,

    /// Properties (the matrix's columns; repeatable). Default: every invariant.
    #[arg(long = "property", value_name = "NAME")]
    pub properties: Vec<String>,

    /// Write each violated run's counterexample files, sweep.md and sweep.json under DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Runs at once, 1..=256 (default: the number of cores); with --cell, the threads of its
    /// one check (default 1).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub jobs: Option<usize>,

    /// Print the matrix as JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,

    /// Print the sweep as a job list instead of running it: one `tcpmc sweep ... --cell I
    /// --cell-out DIR` command per cell (with --json, JSON lines), for GNU parallel, Slurm or
    /// Kubernetes (README: "Sweeps across machines").
    #[arg(long, requires = "cell_out", conflicts_with = "cell")]
    pub plan: bool,

    /// Run only cell I of the sweep (0-based, as --plan numbers them) and write its row to
    /// --cell-out DIR/cell-I.json.
    #[arg(long, value_name = "I", requires = "cell_out")]
    pub cell: Option<u64>,

    /// The directory each cell writes its row to (with --plan and --cell).
    #[arg(long, value_name = "DIR")]
    pub cell_out: Option<PathBuf>,

    /// Print the matrix from the cells in DIR instead of running anything: the bytes a local
    /// sweep prints (--json, --out as for a local sweep).
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["plan", "cell", "cell_out", "param", "properties", "variants", "jobs"]
    )]
    pub merge: Option<PathBuf>,

    #[command(flatten)]
    pub shared: SharedArgs,
}

#[derive(Args, Debug)]
pub struct MinimizeArgs {
    /// The integer field to minimize (e.g. time_wait).
    #[arg(long, value_name = "NAME")]
    pub param: String,

    /// Smallest value tried [default: the field's smallest valid value].
    #[arg(long, value_name = "N")]
    pub from: Option<u8>,

    /// Largest value tried [default: 8, or the field's largest valid value if smaller].
    #[arg(long, value_name = "N")]
    pub to: Option<u8>,

    /// Properties that must hold (repeatable). Default: every invariant.
    #[arg(long = "property", value_name = "NAME")]
    pub properties: Vec<String>,

    /// Apply named variants (comma-separated) before the field flags.
    #[arg(long, value_name = "V[,V...]")]
    pub variant: Option<String>,

    /// Runs at once, 1..=256 (default: the number of cores).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub jobs: Option<usize>,

    #[command(flatten)]
    pub shared: SharedArgs,
}

/// Configuration file, liveness fairness and field flags, shared by sweep and minimize.
#[derive(Args, Debug)]
pub struct SharedArgs {
    /// Read the base configuration from FILE (.toml or .json).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Liveness: strong fairness of delivery for each direction and kind of segment.
    #[arg(long)]
    pub fair_delivery: bool,

    /// Liveness: an application that can close eventually does.
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set)]
    pub fair_app: bool,

    #[command(flatten)]
    pub fields: FieldFlags,
}

/// One flag per configuration field.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Model (defaults: the baseline)")]
pub struct FieldFlags {
    /// What one tick is in milliseconds, to show times in seconds (0 = no unit) [default: 0]
    #[arg(long, value_name = "MS")]
    pub time_unit_ms: Option<u16>,
    /// Under --time dense, a segment is used at an age of at most MSL-1 (closed: the tick model's digitisation) or below MSL (open: RFC 9293) [default: closed]
    #[arg(long, value_name = "BOUND", value_parser = ["closed", "open"])]
    pub msl_bound: Option<String>,
    /// Maximum segment lifetime in ticks: a segment dies when its age reaches MSL [default: 1] [range: 1..=8, 1..=10000 under --time dense]
    #[arg(long, value_name = "TICKS")]
    pub msl: Option<u16>,
    /// TIME-WAIT length in ticks (RFC 9293 MUST-13) [default: 2·msl] [range: 0..=32, 0..=10000 under --time dense]
    #[arg(long, value_name = "TICKS")]
    pub time_wait: Option<u16>,
    /// Number of values of the modular sequence space [default: 8] [range: 4..=64]
    #[arg(long, value_name = "N")]
    pub seq_space: Option<u8>,
    /// Fixed receive window RCV.WND [default: 2] [range: 1..=seq_space/2]
    #[arg(long, value_name = "N")]
    pub window: Option<u8>,
    /// Bound on segments in flight [default: 3] [range: 1..=6]
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<u8>,
    /// Connections that may be opened on the 4-tuple [default: 2] [range: 1..=7]
    #[arg(long, value_name = "N")]
    pub incarnations: Option<u8>,
    /// One-byte data segments A may send per connection [default: 1] [range: 0..=3]
    #[arg(long, value_name = "N")]
    pub data_a: Option<u8>,
    /// One-byte data segments B may send per connection [default: 1] [range: 0..=3]
    #[arg(long, value_name = "N")]
    pub data_b: Option<u8>,
    /// Retransmissions before the connection is given up (R2) [default: 1] [range: 0..=8]
    #[arg(long, value_name = "N")]
    pub retries: Option<u8>,
    /// Retransmissions before an orphaned endpoint (its application closed it) gives up, Linux tcp_orphan_retries [default: retries] [range: 0..=8, 0..=15 under --time dense]
    #[arg(long, value_name = "N")]
    pub orphan_retries: Option<u8>,
    /// Retransmission timeout in ticks [default: 1] [range: 1..=16, 1..=10000 under --time dense]
    #[arg(long, value_name = "TICKS")]
    pub rto: Option<u16>,
    /// Each retransmission doubles the RTO, RFC 6298 §5.5 (Linux inet_csk_rto_backoff) [default: false]
    #[arg(long, value_name = "BOOL")]
    pub backoff: Option<bool>,
    /// The largest backed-off RTO, Linux TCP_RTO_MAX (0 = no cap) [default: 0]
    #[arg(long, value_name = "TICKS")]
    pub rto_max: Option<u16>,
    /// Retransmit forever, with no R2 limit [default: false]
    #[arg(long, value_name = "BOOL")]
    pub unlimited_retransmissions: Option<bool>,
    /// Ticks an orphaned FIN-WAIT-2 waits for the peer's FIN, Linux tcp_fin_timeout (0 = forever, as RFC 9293) [default: 2] [range: 0..=32]
    #[arg(long, value_name = "TICKS")]
    pub fin_wait_2_timeout: Option<u16>,
    /// A host fault that may happen once per run: none, down (stops answering) or crash (reboots with no memory) [default: none]
    #[arg(long, value_name = "FAULT", value_parser = ["none", "down", "crash"])]
    pub host_fault: Option<String>,
    /// The network may lose segments [default: true]
    #[arg(long, value_name = "BOOL")]
    pub loss: Option<bool>,
    /// The network may duplicate segments [default: false]
    #[arg(long, value_name = "BOOL")]
    pub duplication: Option<bool>,
    /// Ticks without choosing an ISS after an abnormal end (0 = none) [default: 2·msl] [range: 0..=32]
    #[arg(long, value_name = "TICKS")]
    pub quiet_time: Option<u16>,
    /// Ticks the passive closer waits after LAST-ACK before a new ISS [default: 0] [range: 0..=32]
    #[arg(long, value_name = "TICKS")]
    pub passive_close_wait: Option<u16>,
    /// A valid RST in TIME-WAIT: honor (RFC 9293) or ignore (RFC 1337 F1) [default: ignore]
    #[arg(long, value_name = "RULE", value_parser = ["honor", "ignore"])]
    pub rst_in_time_wait: Option<String>,
    /// Where an RST's SEQ=0 (the reply to a segment without ACK) may fall: outside-windows (an assumption: always dropped) or anywhere (exact) [default: outside-windows]
    #[arg(long, value_name = "WHERE", value_parser = ["outside-windows", "anywhere"])]
    pub rst_seq_zero: Option<String>,
    /// Stack rule: what an abortive close sends: rst (RFC 9293 §3.10.5) or rst-ack (Linux, FreeBSD: RST,ACK with ACK=RCV.NXT) [default: rst]
    #[arg(long, value_name = "RULE", value_parser = ["rst", "rst-ack"])]
    pub active_rst: Option<String>,
    /// Stack rule: TIME-WAIT processing: rfc9293, linux (tcp_timewait_state_process) or freebsd (tcp_twcheck) [default: rfc9293]
    #[arg(long, value_name = "RULES", value_parser = ["rfc9293", "linux", "freebsd"])]
    pub time_wait_rules: Option<String>,
    /// Stack rule: where new data after close() draws RST: reset-in-fin-wait (RFC 9293, Linux) or reset-after-close (FreeBSD: also CLOSING, LAST-ACK, TIME-WAIT) [default: reset-in-fin-wait]
    #[arg(long, value_name = "RULE", value_parser = ["reset-in-fin-wait", "reset-after-close"])]
    pub data_after_close: Option<String>,
    /// Stack rule: the first checks of an arriving segment: rfc9293, or linux (no ACK/RST/SYN dropped first; acceptable when it ends at or after RCV.NXT and starts at or before RCV.NXT+RCV.WND; an RST at RCV.NXT-1 after the peer's FIN resets) [default: rfc9293]
    #[arg(long, value_name = "RULES", value_parser = ["rfc9293", "linux"])]
    pub segment_checks: Option<String>,
    /// In-window RST and SYN: rfc5961 (exact-RCV.NXT RST, challenge ACKs) or rfc793 (any in-window RST resets; an in-window SYN sends RST and closes) [default: rfc5961]
    #[arg(long, value_name = "RULES", value_parser = ["rfc5961", "rfc793"])]
    pub rst_syn_rules: Option<String>,
    /// When the quiet time applies: abnormal-end (every reset, give-up, abort and crash) or crash (only a crash, RFC 9293 §3.4.3) [default: abnormal-end]
    #[arg(long, value_name = "WHEN", value_parser = ["abnormal-end", "crash"])]
    pub quiet_after: Option<String>,
    /// Linux tcp_twsk_unique: connect() may reuse the 4-tuple of its own connection in TIME-WAIT [default: false]
    #[arg(long, value_name = "BOOL")]
    pub tw_connect: Option<bool>,
    /// ISN of a new incarnation: any, forward (after the previous ISS) or ahead (beyond every number used) [default: ahead]
    #[arg(long, value_name = "POLICY", value_parser = ["any", "forward", "ahead"])]
    pub isn: Option<String>,
    /// ISS values forward/ahead may choose beyond the previous range [default: 1] [range: 1..=seq_space/2]
    #[arg(long, value_name = "N")]
    pub isn_choices: Option<u8>,
    /// An in-window SYN in TIME-WAIT: challenge-ack (RFC 9293) or reset (RFC 793) [default: challenge-ack]
    #[arg(long, value_name = "RULE", value_parser = ["challenge-ack", "reset"])]
    pub syn_in_time_wait: Option<String>,
    /// A send to a full network: cut (state outside the bound) or drop (lost) [default: cut]
    #[arg(long, value_name = "RULE", value_parser = ["cut", "drop"])]
    pub network_full: Option<String>,
    /// Applications may abort (SO_LINGER 0: RST, no TIME-WAIT) [default: true]
    #[arg(long, value_name = "BOOL")]
    pub abort: Option<bool>,
    /// Applications may half-close with shutdown(SHUT_WR) [default: false]
    #[arg(long, value_name = "BOOL")]
    pub shutdown: Option<bool>,
    /// Applications close with SO_LINGER 0: close() sends RST, no TIME-WAIT [default: false]
    #[arg(long, value_name = "BOOL")]
    pub linger_zero: Option<bool>,
    /// Applications read what they receive (false: never, so close with data sends RST) [default: true]
    #[arg(long, value_name = "BOOL")]
    pub app_reads: Option<bool>,
    /// RFC 9293 MAY-2: a SYN beyond the old numbers reopens from TIME-WAIT [default: false]
    #[arg(long, value_name = "BOOL")]
    pub tw_reuse: Option<bool>,
    /// RFC 7323 timestamps: PAWS, and RFC 6191 TIME-WAIT reuse [default: false]
    #[arg(long, value_name = "BOOL")]
    pub timestamps: Option<bool>,
    /// A may open passively (listen) [default: true]
    #[arg(long, value_name = "BOOL")]
    pub a_listens: Option<bool>,
    /// B may open actively (connect); false needs --a-listens false [default: true]
    #[arg(long, value_name = "BOOL")]
    pub b_connects: Option<bool>,
}

impl FieldFlags {
    /// The flags given, as (field, value) pairs.
    pub fn overrides(&self) -> Vec<(&'static str, Value)> {
        let mut out: Vec<(&'static str, Value)> = Vec::new();
        macro_rules! push {
            ($($f:ident),*) => {
                $(if let Some(v) = &self.$f { out.push((stringify!($f), Value::from(v.clone()))); })*
            };
        }
        push!(
            time_unit_ms,
            msl_bound,
            msl,
            time_wait,
            seq_space,
            window,
            max_in_flight,
            incarnations,
            data_a,
            data_b,
            retries,
            orphan_retries,
            rto,
            backoff,
            rto_max,
            unlimited_retransmissions,
            fin_wait_2_timeout,
            host_fault,
            loss,
            duplication,
            quiet_time,
            passive_close_wait,
            rst_in_time_wait,
            rst_seq_zero,
            active_rst,
            time_wait_rules,
            data_after_close,
            segment_checks,
            rst_syn_rules,
            quiet_after,
            tw_connect,
            isn,
            isn_choices,
            syn_in_time_wait,
            network_full,
            abort,
            shutdown,
            linger_zero,
            app_reads,
            tw_reuse,
            timestamps,
            a_listens,
            b_connects
        );
        out
    }
}

// The values of the flags that choose a way of working (`--search`, `--format`, `bench-run
// --mode`): defined here, with the flags, and used by the commands.

/// How the safety search runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Search {
    /// Breadth-first, multi-threaded: every trace is a shortest one.
    #[default]
    Bfs,
    /// Depth-first, single-threaded, fingerprints only: least memory; traces are not shortest.
    Dfs,
    /// DFS for the verdicts, then BFS only for the properties it discovered (shortest traces).
    Auto,
}

impl Search {
    pub fn name(self) -> &'static str {
        match self {
            Search::Bfs => "bfs",
            Search::Dfs => "dfs",
            Search::Auto => "auto",
        }
    }
}

/// Which time `tcpmc check` explores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TimeSemantics {
    /// Discrete ticks (docs/model.md, "Time").
    #[default]
    Ticks,
    /// Dense time: the zone graph (README, "Dense time").
    Dense,
}

impl TimeSemantics {
    /// As the configuration's `time` field spells it.
    pub fn name(self) -> &'static str {
        match self {
            TimeSemantics::Ticks => "ticks",
            TimeSemantics::Dense => "dense",
        }
    }
}

/// Output formats of `tcpmc table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Markdown table.
    Md,
    /// Comma-separated values (RFC 4180 quoting), with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// What one child of `tcpmc bench` measures (`tcpmc bench-run --mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Safety and coverage by the breadth-first engine.
    Bfs,
    /// Safety and coverage by the depth-first engine.
    Dfs,
    /// The explicit graph for liveness (build only).
    Graph,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Bfs => "bfs",
            Mode::Dfs => "dfs",
            Mode::Graph => "graph",
        }
    }
}
