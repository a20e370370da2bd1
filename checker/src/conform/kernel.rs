//! The kernel's endpoint, driven with real socket calls (socket2) inside the namespace, and its
//! TCP state read back: getsockopt(TCP_INFO) while it has a descriptor, sock_diag after.

use super::diag;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddrV4;
use std::os::fd::AsRawFd;
use std::time::Duration;
use tcpmc_model::TcpState;

/// Linux's TCP states (include/net/tcp_states.h) as RFC 9293 names them. NEW_SYN_RECV, the
/// request socket of a passive open, is SYN-RECEIVED.
pub fn linux_state(v: u8) -> Option<TcpState> {
    Some(match v {
        1 => TcpState::Established,
        2 => TcpState::SynSent,
        3 | 12 => TcpState::SynReceived,
        4 => TcpState::FinWait1,
        5 => TcpState::FinWait2,
        6 => TcpState::TimeWait,
        7 => TcpState::Closed,
        8 => TcpState::CloseWait,
        9 => TcpState::LastAck,
        10 => TcpState::Listen,
        11 => TcpState::Closing,
        _ => return None,
    })
}

/// The kernel's side of one test: a listening socket, a connection, or both.
pub struct KernelEnd {
    pub local: SocketAddrV4,
    pub remote: SocketAddrV4,
    listener: Option<Socket>,
    conn: Option<Socket>,
    /// What the application saw: the last error of a call (ECONNRESET, ECONNREFUSED, EPIPE).
    pub errors: Vec<String>,
}

fn socket() -> std::io::Result<Socket> {
    let s = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    s.set_reuse_address(true)?;
    s.set_nonblocking(true)?;
    // One byte per send goes out at once, as the model sends it (no Nagle).
    s.set_nodelay(true)?;
    Ok(s)
}

impl KernelEnd {
    pub fn new(local: SocketAddrV4, remote: SocketAddrV4) -> KernelEnd {
        KernelEnd {
            local,
            remote,
            listener: None,
            conn: None,
            errors: Vec::new(),
        }
    }

    /// listen(): a listening socket on the local port (backlog 1: the model's accept queue).
    pub fn listen(&mut self) -> std::io::Result<()> {
        let s = socket()?;
        s.bind(&SockAddr::from(self.local))?;
        s.listen(1)?;
        self.listener = Some(s);
        Ok(())
    }

    /// accept(), if a connection is ready.
    pub fn accept(&mut self) -> std::io::Result<bool> {
        let Some(l) = &self.listener else {
            return Ok(false);
        };
        match l.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(true)?;
                self.conn = Some(s);
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A non-blocking connect() from the local port.
    pub fn connect(&mut self) -> std::io::Result<()> {
        let s = socket()?;
        s.bind(&SockAddr::from(self.local))?;
        match s.connect(&SockAddr::from(self.remote)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        self.conn = Some(s);
        Ok(())
    }

    fn record(&mut self, r: std::io::Result<usize>) {
        if let Err(e) = r {
            if e.kind() != ErrorKind::WouldBlock {
                self.errors.push(e.to_string());
            }
        }
    }

    /// send() of one byte.
    pub fn send(&mut self) {
        let r = match &mut self.conn {
            Some(s) => s.write(b"x"),
            None => return,
        };
        self.record(r);
    }

    /// send() of one byte, its error returned (a path step that cannot send cannot run on).
    pub fn send_checked(&mut self) -> std::io::Result<()> {
        match &mut self.conn {
            Some(s) => s.write(b"x").map(|_| ()),
            None => Err(std::io::Error::new(
                ErrorKind::NotConnected,
                "no connection",
            )),
        }
    }

    /// The state of the connection's descriptor (TCP_INFO), while the application holds one.
    pub fn connection_state(&self) -> Option<TcpState> {
        self.conn.as_ref().and_then(tcp_info_state)
    }

    /// recv() of everything buffered.
    pub fn read(&mut self) {
        let mut buf = [0u8; 64];
        let r = match &mut self.conn {
            Some(s) => s.read(&mut buf),
            None => return,
        };
        self.record(r);
    }

    /// shutdown(SHUT_WR).
    pub fn shutdown(&mut self) {
        if let Some(s) = &self.conn {
            if let Err(e) = s.shutdown(std::net::Shutdown::Write) {
                self.errors.push(e.to_string());
            }
        }
    }

    /// close() of the connection.
    pub fn close(&mut self) {
        self.conn = None;
    }

    /// close() with SO_LINGER {1, 0}: an abort.
    pub fn abort(&mut self) {
        if let Some(s) = &self.conn {
            let _ = s.set_linger(Some(Duration::ZERO));
        }
        self.conn = None;
    }

    /// close() of the listening socket.
    pub fn close_listener(&mut self) {
        self.listener = None;
    }

    /// Whether the application still holds the connection's descriptor.
    pub fn has_connection(&self) -> bool {
        self.conn.is_some()
    }

    /// The connection's state: TCP_INFO while the descriptor is open, else sock_diag by 4-tuple
    /// (TIME-WAIT and orphaned FIN-WAIT-2 / LAST-ACK live only there), else CLOSED or, with a
    /// listener, LISTEN.
    pub fn state(&self) -> TcpState {
        if let Some(s) = &self.conn {
            if let Some(st) = tcp_info_state(s) {
                if st != TcpState::Closed {
                    return st;
                }
            }
        }
        if let Ok(Some(st)) = diag::state_of(self.local, self.remote) {
            return st;
        }
        if self.listener.is_some() {
            TcpState::Listen
        } else {
            TcpState::Closed
        }
    }
}

/// tcpi_state of getsockopt(TCP_INFO).
fn tcp_info_state(s: &Socket) -> Option<TcpState> {
    // SAFETY: tcp_info is plain old data; getsockopt writes at most `len` bytes into it.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let r = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            &mut info as *mut libc::tcp_info as *mut libc::c_void,
            &mut len,
        )
    };
    if r != 0 {
        return None;
    }
    linux_state(info.tcpi_state)
}
