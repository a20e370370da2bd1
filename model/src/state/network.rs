//! The network: a bounded multiset of segments kept as a sorted fixed-capacity array, so two
//! states that differ only in the order of sends hash the same.

use crate::state::config::MAX_NET;
use crate::state::segment::Segment;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Network {
    len: u8,
    segs: [Segment; MAX_NET],
}

impl Network {
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segs[..self.len as usize]
    }

    /// Every slot, unused ones (always `Segment::default()`) included: for packing.
    pub fn all_slots(&self) -> &[Segment; MAX_NET] {
        &self.segs
    }

    pub fn get(&self, i: usize) -> Segment {
        self.segs[i]
    }

    /// Inserts in sorted position. Returns false when `cap` segments are already in flight.
    pub fn push(&mut self, seg: Segment, cap: usize) -> bool {
        self.push_ordered(seg, cap, true)
    }

    /// Inserts in sorted position, or at the end when `sorted` is false (send order: no
    /// canonical form, only for measuring what the sorting saves).
    pub fn push_ordered(&mut self, seg: Segment, cap: usize, sorted: bool) -> bool {
        let n = self.len as usize;
        if n >= cap.min(MAX_NET) {
            return false;
        }
        let mut i = n;
        while sorted && i > 0 && self.segs[i - 1] > seg {
            self.segs[i] = self.segs[i - 1];
            i -= 1;
        }
        self.segs[i] = seg;
        self.len += 1;
        true
    }

    pub fn remove(&mut self, i: usize) -> Segment {
        let n = self.len as usize;
        let seg = self.segs[i];
        self.segs.copy_within(i + 1..n, i);
        self.segs[n - 1] = Segment::default();
        self.len -= 1;
        seg
    }

    /// Ages every segment by one tick and removes those whose age reaches `msl` (docs/model.md,
    /// "Time").
    /// Sorting is preserved because age is the last sort key and all ages move together.
    pub fn age(&mut self, msl: u8) {
        let mut kept = 0;
        for i in 0..self.len as usize {
            let mut s = self.segs[i];
            s.age += 1;
            if s.age < msl {
                self.segs[kept] = s;
                kept += 1;
            }
        }
        for s in &mut self.segs[kept..] {
            *s = Segment::default();
        }
        self.len = kept as u8;
    }

    /// Indexes of the first segment of every run of equal segments (actions on equal segments
    /// lead to equal states).
    pub fn distinct_indexes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len as usize).filter(move |&i| i == 0 || self.segs[i - 1] != self.segs[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::endpoint::Side;

    fn seg(seq: u8, age: u8) -> Segment {
        Segment {
            from: Side::A,
            seq,
            age,
            ..Segment::default()
        }
    }

    #[test]
    fn push_keeps_order_and_respects_capacity() {
        let mut a = Network::default();
        let mut b = Network::default();
        assert!(a.push(seg(2, 0), 3) && a.push(seg(1, 0), 3));
        assert!(b.push(seg(1, 0), 3) && b.push(seg(2, 0), 3));
        assert_eq!(a, b);
        assert!(a.push(seg(0, 0), 3));
        assert!(!a.push(seg(0, 0), 3));
    }

    #[test]
    fn ageing_removes_segments_at_msl() {
        let mut n = Network::default();
        n.push(seg(1, 0), 3);
        n.push(seg(2, 1), 3);
        n.age(2);
        assert_eq!(n.segments(), &[seg(1, 1)]);
    }
}
