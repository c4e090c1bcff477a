//! The model-level name table: classifications, data, boundaries and elements share one
//! namespace.
//!
//! A large model declares a million names and looks each up again for every flow that names
//! it, and each look-up in a table that size misses the cache twice: once for the table's slot
//! and once for the declaration it points to. So the table is its own small open-addressing
//! table rather than a general one, because its slots can then be fetched ahead of use:
//! [`Names::find_all`] looks up a run of names (the ends of a batch of flows) with each name's
//! slot and declaration requested from memory a few names before it is compared, so that the
//! misses overlap instead of following one another. Each slot is one `u64`, the high half of
//! the name's hash beside its index in the list of declarations, so a probe compares a name
//! only when the hashes agree.

use super::Entity;
use crate::span::Span;
use compact_str::CompactString;
use std::hash::BuildHasher;

/// What a name names and where it was declared.
pub(super) type Declared = (Entity, Span);

/// The names declared, with what each names and where it was declared (`S` hashes the names:
/// foldhash, but for tests that make every name collide).
pub(super) struct Names<S = foldhash::fast::FixedState> {
    /// In declaration order.
    declared: Vec<(CompactString, Declared)>,
    /// Open addressing with linear probing, a power of two long and at most half full: each
    /// slot is `EMPTY` or a name's [`slot`] value.
    slots: Vec<u64>,
    hasher: S,
    /// The hashes of the names about to be declared, in the order they are expected
    /// ([`Names::expect`]), and how many of them have been declared: each declaration fetches
    /// the slot of the name [`AHEAD`] of it.
    expected: Vec<u64>,
    declaring: usize,
}

const EMPTY: u64 = 0;
/// How many names ahead of the one compared [`Names::find_all`] fetches slots, and then
/// declarations: about as many misses as a core keeps in flight.
const AHEAD: usize = 16;

impl Default for Names {
    fn default() -> Self {
        Names::with_hasher(foldhash::fast::FixedState::default())
    }
}

/// A slot's value for declaration `index` of a name hashed `hash`: never `EMPTY`. The index
/// takes 32 bits: a model's files would need tens of gigabytes of source to declare more
/// names, far past the memory they would take.
fn slot(hash: u64, index: usize) -> u64 {
    debug_assert!(index < u32::MAX as usize, "fewer than 2^32 - 1 names");
    (hash & !0xFFFF_FFFF) | (index as u64 + 1)
}

/// The declaration a slot holds.
fn index_in(slot: u64) -> usize {
    (slot & 0xFFFF_FFFF) as usize - 1
}

/// Whether a slot holds a name with this hash (its high half).
fn same_hash(slot: u64, hash: u64) -> bool {
    (slot ^ hash) >> 32 == 0
}

/// Asks the processor to bring `value` into the cache; a hint, never a read.
#[inline(always)]
fn fetch_ahead<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch reads nothing and cannot fault; the address is a live reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// What probing a name's slots found before comparing any name.
#[derive(Clone, Copy)]
enum Probe {
    /// An empty slot before any slot of the same hash: the name is not declared.
    Absent,
    /// The first declaration whose hash agrees.
    Candidate(usize),
}

impl<S: BuildHasher> Names<S> {
    fn with_hasher(hasher: S) -> Self {
        Names {
            declared: Vec::new(),
            slots: vec![EMPTY; 16],
            hasher,
            expected: Vec::new(),
            declaring: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Where `name`, hashed `hash`, is in `declared`, or the empty slot where it would go.
    fn position(&self, name: &str, hash: u64) -> Result<usize, usize> {
        let mask = self.mask();
        let mut at = hash as usize & mask;
        loop {
            let held = self.slots[at];
            if held == EMPTY {
                return Err(at);
            }
            if same_hash(held, hash) && self.declared[index_in(held)].0 == name {
                return Ok(index_in(held));
            }
            at = (at + 1) & mask;
        }
    }

    /// The first declaration in `hash`'s probe sequence whose hash agrees, without comparing
    /// names.
    fn probe(&self, hash: u64) -> Probe {
        let mask = self.mask();
        let mut at = hash as usize & mask;
        loop {
            let held = self.slots[at];
            if held == EMPTY {
                return Probe::Absent;
            }
            if same_hash(held, hash) {
                return Probe::Candidate(index_in(held));
            }
            at = (at + 1) & mask;
        }
    }

    /// Where `name` is in `declared`.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.position(name, self.hash_of(name)).ok()
    }

    /// Makes the table long enough for `names` names, at most half full.
    fn grow_to(&mut self, names: usize) {
        let wanted = (names * 2).next_power_of_two().max(16);
        if wanted <= self.slots.len() {
            return;
        }
        self.slots = vec![EMPTY; wanted];
        let mask = self.mask();
        for (index, (name, _)) in self.declared.iter().enumerate() {
            let hash = self.hasher.hash_one(name.as_str());
            let mut at = hash as usize & mask;
            while self.slots[at] != EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot(hash, index);
        }
    }

    /// Room for `more` names without growing.
    pub fn reserve(&mut self, more: usize) {
        self.declared.reserve(more);
        self.grow_to(self.declared.len() + more);
    }

    /// The hash a name is looked up by, for [`Names::expect`].
    pub fn hash_of(&self, name: &str) -> u64 {
        self.hasher.hash_one(name)
    }

    /// Makes room for the names about to be declared, given their hashes in the order they
    /// will be declared: each declaration then has the table slot of a later one fetched while
    /// it is made. A name declared out of this order costs only a wasted fetch.
    pub fn expect(&mut self, hashes: Vec<u64>) {
        self.reserve(hashes.len());
        self.expected = hashes;
        self.declaring = 0;
    }

    /// What `name` names and where it was declared.
    pub fn get(&self, name: &str) -> Option<&Declared> {
        self.index_of(name).map(|i| &self.declared[i].1)
    }

    /// [`Names::get`] of each of `names`, in order, with the memory each look-up reads
    /// requested [`AHEAD`] names before it is needed.
    pub fn find_all(&self, names: &[&str]) -> Vec<Option<Declared>> {
        let mut found = Vec::with_capacity(names.len());
        let mut hashes = [0u64; AHEAD];
        let mut probes = [Probe::Absent; AHEAD];
        // Name `i` is hashed (its slot fetched) at step `i`, probed (its declaration fetched)
        // at step `i + AHEAD`, and compared at step `i + 2 * AHEAD`. Each step does the
        // comparing first, so that a ring entry is read before it is written again.
        for step in 0..names.len() + 2 * AHEAD {
            if let Some(i) = step.checked_sub(2 * AHEAD)
                && let Some(name) = names.get(i)
            {
                found.push(match probes[i % AHEAD] {
                    Probe::Absent => None,
                    Probe::Candidate(at) if self.declared[at].0 == *name => {
                        Some(self.declared[at].1)
                    }
                    // Another name with the same hash half: the full look-up.
                    Probe::Candidate(_) => self.get(name).copied(),
                });
            }
            if let Some(i) = step.checked_sub(AHEAD)
                && i < names.len()
            {
                let probe = self.probe(hashes[i % AHEAD]);
                if let Probe::Candidate(at) = probe {
                    fetch_ahead(&self.declared[at]);
                }
                probes[i % AHEAD] = probe;
            }
            if let Some(name) = names.get(step) {
                let hash = self.hash_of(name);
                fetch_ahead(&self.slots[hash as usize & self.mask()]);
                hashes[step % AHEAD] = hash;
            }
        }
        found
    }

    /// Changes what an already declared name refers to.
    pub fn define(&mut self, name: &str, entity: Entity) {
        if let Some(i) = self.index_of(name) {
            self.declared[i].1.0 = entity;
        }
    }

    /// Declares `name` as `entity`, declared at `span`; when the name is taken, what it names
    /// and where it was first declared.
    pub fn declare(
        &mut self,
        name: &CompactString,
        entity: Entity,
        span: Span,
    ) -> Result<(), Declared> {
        if (self.declared.len() + 1) * 2 > self.slots.len() {
            self.grow_to(self.declared.len() + 1);
        }
        if let Some(later) = self.expected.get(self.declaring + AHEAD) {
            fetch_ahead(&self.slots[*later as usize & self.mask()]);
        }
        self.declaring += 1;
        if self.declaring == self.expected.len() {
            self.expected = Vec::new();
        }
        let hash = self.hash_of(name);
        match self.position(name, hash) {
            Ok(taken) => Err(self.declared[taken].1),
            Err(empty) => {
                self.slots[empty] = slot(hash, self.declared.len());
                self.declared.push((name.clone(), (entity, span)));
                Ok(())
            }
        }
    }

    /// The names declared as entities of one sort, sorted (for "did you mean").
    pub fn sorted_where(&self, keep: impl Fn(Entity) -> bool) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .declared
            .iter()
            .filter(|(_, (entity, _))| keep(*entity))
            .map(|(name, _)| name.as_str())
            .collect();
        found.sort_unstable();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ElementId;
    use crate::span::FileId;

    #[test]
    fn names_are_declared_once_found_and_redefined() {
        let mut names = Names::default();
        let span = |at| Span::new(FileId(0), at, at + 1);
        names.reserve(2);
        for i in 0..5000u32 {
            let name = CompactString::from(format!("element_{i}"));
            assert!(
                names
                    .declare(&name, Entity::Element(ElementId(i)), span(i as usize))
                    .is_ok()
            );
        }
        let taken = names.declare(&"element_42".into(), Entity::Broken, span(9));
        assert_eq!(taken, Err((Entity::Element(ElementId(42)), span(42))));
        assert_eq!(
            names.get("element_4999").map(|e| e.0),
            Some(Entity::Element(ElementId(4999)))
        );
        assert_eq!(names.get("element_5000"), None);
        names.define("element_7", Entity::Broken);
        assert_eq!(names.get("element_7").map(|e| e.0), Some(Entity::Broken));
        let sorted = names.sorted_where(|e| e != Entity::Broken);
        assert_eq!(sorted.len(), 4999);
        assert_eq!(&sorted[..3], ["element_0", "element_1", "element_10"]);
    }

    /// Hashes every name alike, so that every look-up probes past names of the same hash.
    #[derive(Default)]
    struct Colliding;

    impl BuildHasher for Colliding {
        type Hasher = ConstantHasher;
        fn build_hasher(&self) -> ConstantHasher {
            ConstantHasher
        }
    }

    struct ConstantHasher;

    impl std::hash::Hasher for ConstantHasher {
        fn finish(&self) -> u64 {
            0xDEAD_BEEF_0000_0007
        }
        fn write(&mut self, _: &[u8]) {}
    }

    /// Declares `count` names `n0`, `n1`, … (with a duplicate of `n3` after them), the
    /// hashes of all of them expected first, in a table hashed by `hasher`.
    fn declared<S: BuildHasher>(hasher: S, count: u32) -> Names<S> {
        let mut names = Names::with_hasher(hasher);
        let span = |at| Span::new(FileId(0), at, at + 1);
        let written: Vec<CompactString> = (0..count).map(|i| format!("n{i}").into()).collect();
        names.expect(written.iter().map(|n| names.hash_of(n)).collect());
        for (i, name) in written.iter().enumerate() {
            let declared = names.declare(name, Entity::Element(ElementId(i as u32)), span(i));
            assert!(declared.is_ok(), "{name} declared once");
        }
        assert!(
            names.expected.is_empty(),
            "the hashes are dropped once declared"
        );
        let again = names.declare(&"n3".into(), Entity::Broken, span(99));
        assert_eq!(again, Err((Entity::Element(ElementId(3)), span(3))));
        names
    }

    /// `find_all` agrees with `get` for names present and absent, for runs shorter and longer
    /// than its look-ahead, and when hashes collide.
    fn finds_all_as_get_does<S: BuildHasher>(names: &Names<S>, count: u32) {
        for run in [0, 1, AHEAD - 1, AHEAD, 2 * AHEAD + 3, 3 * count as usize] {
            let asked: Vec<String> = (0..run)
                .map(|i| match i % 3 {
                    0 => format!("n{}", (i * 7) as u32 % count),
                    1 => format!("m{i}"),
                    _ => format!("n{}", count - 1 - i as u32 % count),
                })
                .collect();
            let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
            let expected: Vec<Option<Declared>> =
                asked.iter().map(|n| names.get(n).copied()).collect();
            assert_eq!(names.find_all(&asked), expected, "a run of {run}");
            let present = expected.iter().filter(|e| e.is_some()).count();
            assert_eq!(present, run - run / 3 - usize::from(run % 3 == 2));
        }
        let span = |at| Span::new(FileId(0), at, at + 1);
        assert_eq!(
            names.find_all(&["n5", "nope", "n0"]),
            [
                Some((Entity::Element(ElementId(5)), span(5))),
                None,
                Some((Entity::Element(ElementId(0)), span(0)))
            ]
        );
    }

    #[test]
    fn runs_of_names_are_found_as_one_at_a_time_even_when_every_hash_collides() {
        let spread = declared(foldhash::fast::FixedState::default(), 3000);
        finds_all_as_get_does(&spread, 3000);
        let colliding = declared(Colliding, 200);
        finds_all_as_get_does(&colliding, 200);
        assert_eq!(
            colliding.get("n199").map(|e| e.0),
            Some(Entity::Element(ElementId(199)))
        );
        assert_eq!(colliding.get("n200"), None);
    }

    #[test]
    fn names_declared_out_of_the_expected_order_are_still_declared() {
        let mut names = Names::default();
        let span = |at| Span::new(FileId(0), at, at + 1);
        names.expect(vec![names.hash_of("a"), names.hash_of("b")]);
        for (i, name) in ["z", "b", "a", "y"].into_iter().enumerate() {
            let entity = Entity::Element(ElementId(i as u32));
            assert!(names.declare(&name.into(), entity, span(i)).is_ok());
        }
        let found = names.find_all(&["a", "b", "y", "z", "x"]);
        let ids: Vec<Option<Entity>> = found.iter().map(|f| f.map(|(e, _)| e)).collect();
        let element = |i| Some(Entity::Element(ElementId(i)));
        assert_eq!(ids, [element(2), element(1), element(3), element(0), None]);
    }
}
