//! The model's small modular numbers mapped to the kernel's 32-bit ones, by offsets from each
//! side's ISS: the kernel's (read from its SYN or SYN,ACK) for its send space, the peer's
//! (chosen by tcpmc) for its receive space.

/// One direction's mapping: model value `model_iss` is real value `real_iss`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Space {
    pub n: u8,
    pub model_iss: u8,
    pub real_iss: u32,
}

impl Space {
    /// The signed distance of `v` from the model ISS, taken in (−n/2, n/2]: the model's numbers
    /// stay within half the space of the ISS (its window is at most half of it).
    pub fn offset(&self, v: u8) -> i64 {
        let n = i64::from(self.n);
        let d = (i64::from(v) - i64::from(self.model_iss)).rem_euclid(n);
        if d > n / 2 {
            d - n
        } else {
            d
        }
    }

    /// The real number of model value `v`.
    pub fn real(&self, v: u8) -> u32 {
        (i64::from(self.real_iss) + self.offset(v)).rem_euclid(1 << 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_by_their_offset_from_the_iss_in_both_directions_and_wrap() {
        let s = Space {
            n: 8,
            model_iss: 0,
            real_iss: 1000,
        };
        assert_eq!(
            (s.real(0), s.real(1), s.real(2), s.real(4)),
            (1000, 1001, 1002, 1004)
        );
        // RCV.NXT−1 of a space whose ISS is 0 is 7: one before the ISS.
        assert_eq!(s.real(7), 999);
        let w = Space {
            n: 8,
            model_iss: 6,
            real_iss: u32::MAX,
        };
        assert_eq!(
            (w.real(6), w.real(7), w.real(0), w.real(5)),
            (u32::MAX, 0, 1, u32::MAX - 1)
        );
    }
}
