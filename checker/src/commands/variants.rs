//! `tcpmc variants`: lists the named variants, stacks and modifiers, one a line.

use crate::input::variant::{Role, VARIANTS};
use std::process::ExitCode;

/// `tcpmc variants`: always exit status 0.
pub fn variants_command() -> ExitCode {
    for v in VARIANTS {
        let role = match v.role {
            Role::Base => "stack",
            Role::Modifier => "modifier",
        };
        println!("{:<16} {:<9} {}", v.name, role, v.summary);
    }
    ExitCode::SUCCESS
}
