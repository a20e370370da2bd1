//! The private network in which the kernel is tested: a network namespace of the calling thread
//! only (unshare), loopback up, and a TUN device whose far side tcpmc plays. Nothing leaves it,
//! and the kernel frees it when the thread's last reference to it (the TUN device, the sockets)
//! is gone, so it disappears on return, on error and on a crash alike.

use super::packet::{Wire, KERNEL_ADDR};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use std::net::SocketAddrV4;
use std::os::fd::{AsFd, AsRawFd};
use std::process::Command;
use std::time::{Duration, Instant};

/// The TUN device's name inside the namespace.
pub const TUN_NAME: &str = "tcpmc0";

/// Why the namespace could not be made: missing privilege or a missing kernel feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable(pub String);

/// The namespace of this thread, with its TUN device.
pub struct Namespace {
    tun: tun_rs::SyncDevice,
    /// The sysctls set for the run, as (key, value), for the record.
    pub sysctls: Vec<(String, String)>,
}

/// Checks what a conformance run needs before any work: root (CAP_NET_ADMIN) and /dev/net/tun.
pub fn check_privilege() -> Result<(), Unavailable> {
    if !nix::unistd::geteuid().is_root() {
        return Err(Unavailable(
            "tcpmc conform needs root (CAP_NET_ADMIN) to make a network namespace and a TUN device"
                .into(),
        ));
    }
    if !std::path::Path::new("/dev/net/tun").exists() {
        return Err(Unavailable("tcpmc conform needs /dev/net/tun".into()));
    }
    Ok(())
}

impl Namespace {
    /// Moves the calling thread into a new network namespace and sets it up. Call it on a thread
    /// of its own: every socket the thread opens afterwards lives in the namespace.
    pub fn enter(sysctls: &[(&str, &str)]) -> Result<Namespace, Unavailable> {
        check_privilege()?;
        nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
            .map_err(|e| Unavailable(format!("cannot make a network namespace: {e}")))?;
        // A child process inherits this thread's namespace: `ip` brings its loopback up.
        let lo = Command::new("ip")
            .args(["link", "set", "lo", "up"])
            .status()
            .map_err(|e| Unavailable(format!("cannot run ip(8) (iproute2): {e}")))?;
        if !lo.success() {
            return Err(Unavailable("ip link set lo up failed".into()));
        }
        let tun = tun_rs::DeviceBuilder::new()
            .name(TUN_NAME)
            .ipv4(KERNEL_ADDR, 24, None)
            .mtu(1500)
            .build_sync()
            .map_err(|e| Unavailable(format!("cannot make a TUN device: {e}")))?;
        let mut set = Vec::new();
        for (key, value) in sysctls {
            let path = format!("/proc/sys/{}", key.replace('.', "/"));
            std::fs::write(&path, value)
                .map_err(|e| Unavailable(format!("cannot set {key}={value}: {e}")))?;
            set.push((key.to_string(), value.to_string()));
        }
        Ok(Namespace { tun, sysctls: set })
    }

    /// Writes one segment into the kernel.
    pub fn send(&self, w: &Wire) -> std::io::Result<()> {
        self.tun.send(&w.to_bytes()).map(|_| ())
    }

    /// The next TCP segment the kernel sends within `wait`, if any (other packets are skipped).
    pub fn recv(&self, wait: Duration) -> std::io::Result<Option<Wire>> {
        let deadline = Instant::now() + wait;
        let mut buf = vec![0u8; 65536];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
            let mut fds = [PollFd::new(self.tun.as_fd(), PollFlags::POLLIN)];
            let ready = poll(&mut fds, PollTimeout::from(ms)).map_err(std::io::Error::from)?;
            if ready == 0 {
                return Ok(None);
            }
            let n = self.tun.recv(&mut buf)?;
            if let Some(w) = Wire::parse(&buf[..n]) {
                return Ok(Some(w));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
        }
    }

    /// Every segment the kernel sends within `wait`.
    pub fn recv_all(&self, wait: Duration) -> std::io::Result<Vec<Wire>> {
        let deadline = Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(w) = self.recv(deadline.saturating_duration_since(Instant::now()))? {
            out.push(w);
        }
        Ok(out)
    }

    /// The next segment from `from` to `to` within `wait`; segments of other connections (the
    /// retransmissions of earlier tests) are skipped.
    pub fn recv_from(
        &self,
        from: SocketAddrV4,
        to: SocketAddrV4,
        wait: Duration,
    ) -> std::io::Result<Option<Wire>> {
        let deadline = Instant::now() + wait;
        while let Some(w) = self.recv(deadline.saturating_duration_since(Instant::now()))? {
            if w.src == from && w.dst == to {
                return Ok(Some(w));
            }
        }
        Ok(None)
    }

    /// Every segment from `from` to `to` within `wait`.
    pub fn recv_all_from(
        &self,
        from: SocketAddrV4,
        to: SocketAddrV4,
        wait: Duration,
    ) -> std::io::Result<Vec<Wire>> {
        let deadline = Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(w) =
            self.recv_from(from, to, deadline.saturating_duration_since(Instant::now()))?
        {
            out.push(w);
        }
        Ok(out)
    }

    /// The TUN device's descriptor (for diagnostics).
    pub fn tun_fd(&self) -> i32 {
        self.tun.as_raw_fd()
    }
}
