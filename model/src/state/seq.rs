//! Modular sequence-number arithmetic over a small space of `n` values (RFC 9293 §3.4).

/// A sequence space of `n` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqSpace {
    pub n: u8,
}

impl SeqSpace {
    /// `a + b` modulo `n`.
    #[inline]
    pub fn add(self, a: u8, b: u8) -> u8 {
        ((a as u16 + b as u16) % self.n as u16) as u8
    }

    /// `a - b` modulo `n`, in `0..n`.
    #[inline]
    pub fn sub(self, a: u8, b: u8) -> u8 {
        ((a as u16 + self.n as u16 - (b as u16 % self.n as u16)) % self.n as u16) as u8
    }

    /// `lo <= x < lo + len` modulo `n` (`len` ≤ `n`).
    #[inline]
    pub fn in_range(self, x: u8, lo: u8, len: u8) -> bool {
        self.sub(x, lo) < len
    }

    /// `a > b` in serial-number arithmetic (RFC 1982): `0 < a - b < n/2`.
    #[inline]
    pub fn gt(self, a: u8, b: u8) -> bool {
        let d = self.sub(a, b);
        d != 0 && d < self.n.div_ceil(2)
    }

    /// RFC 9293 §3.10.7.4 segment acceptability: the four cases on SEG.LEN and RCV.WND.
    pub fn acceptable(self, seq: u8, seg_len: u8, rcv_nxt: u8, rcv_wnd: u8) -> bool {
        match (seg_len, rcv_wnd) {
            (0, 0) => seq == rcv_nxt,
            (0, _) => self.in_range(seq, rcv_nxt, rcv_wnd),
            (_, 0) => false,
            (_, _) => {
                self.in_range(seq, rcv_nxt, rcv_wnd)
                    || self.in_range(self.add(seq, seg_len - 1), rcv_nxt, rcv_wnd)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        let s = SeqSpace { n: 8 };
        assert_eq!(s.add(7, 2), 1);
        assert_eq!(s.sub(1, 7), 2);
        assert!(s.in_range(0, 7, 2));
        assert!(!s.in_range(1, 7, 2));
        assert!(s.gt(1, 7));
        assert!(!s.gt(7, 1));
        assert!(!s.gt(4, 0), "exactly half the space is not 'greater'");
    }

    #[test]
    fn acceptability_four_cases() {
        let s = SeqSpace { n: 8 };
        assert!(s.acceptable(3, 0, 3, 0));
        assert!(!s.acceptable(4, 0, 3, 0));
        assert!(s.acceptable(4, 0, 3, 2));
        assert!(!s.acceptable(5, 0, 3, 2));
        assert!(!s.acceptable(3, 1, 3, 0));
        assert!(s.acceptable(4, 1, 3, 2));
        assert!(
            !s.acceptable(2, 1, 3, 2),
            "a retransmitted SYN or FIN is left of the window"
        );
    }
}
