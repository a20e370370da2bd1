mod engine;

use tcpmc_model::{Config, TcpModel};
use tcpmc_properties::{registry, PropertyDef};

struct Props(Vec<&'static PropertyDef>);
impl engine::Goals<TcpModel> for Props {
    fn count(&self) -> usize { self.0.len() }
    fn discovered(&self, m: &TcpModel, i: usize, s: &tcpmc_model::State) -> bool { self.0[i].discovered_by(&m.cfg, s) }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut cfg = Config::default();
    for a in &args[1..] {
        let (k, v) = a.split_once('=').unwrap();
        let mut j = serde_json::to_value(&cfg).unwrap();
        let val: serde_json::Value = serde_json::from_str(v).unwrap_or(serde_json::Value::String(v.to_string()));
        j[k] = val;
        cfg = serde_json::from_value(j).unwrap();
    }
    let model = TcpModel::new(cfg);
    let props = Props(registry().iter().collect());
    let o = engine::bfs(&model, &props, 2);
    println!("unique {} generated {} cut {} depth {} secs {:.2} rate {:.0}/s", o.unique, o.generated, o.cut, o.depth, o.seconds, o.generated as f64 / o.seconds);
    for (p, d) in props.0.iter().zip(&o.discoveries) {
        if let (Some(t), tcpmc_properties::Kind::Invariant) = (d, p.kind) {
            println!("== {}", p.name);
            println!("{}", t.states[0]);
            for (i, a) in t.actions.iter().enumerate() {
                println!("{}. {}\n{}", i + 1, tcpmc_model::system::describe(&t.states[i], a), t.states[i + 1]);
            }
        }
        println!("{:32} {}", p.name, match d { Some(t) => format!("found at {} steps", t.actions.len()), None => "-".into() });
    }
}
