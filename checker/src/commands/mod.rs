//! One module per subcommand (`tcpmc check` is [`check`], …): each turns its parsed arguments
//! into output and an exit status, on top of `input/` and `search/`.

pub mod bench;
pub mod check;
pub mod check_dense;
pub mod check_dense_live;
pub mod common;
pub mod conform;
pub mod dense_out;
pub mod explore;
pub mod pictures;
pub mod replay;
pub mod sweep;
pub mod table;
pub mod variants;
