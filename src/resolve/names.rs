//! The model-level name table: classifications, data, boundaries and elements share one
//! namespace.
//!
//! A large model declares a million names and looks each up again for every flow that names
//! it, so the table is built for cache misses: the hash table holds only 32-bit indices into the
//! list of declarations (a tenth of the size of a table of names, so mostly in cache), and a
//! look-up reads one declaration, the one whose index matches, to compare its name.

use super::Entity;
use crate::span::Span;
use compact_str::CompactString;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use std::hash::BuildHasher;

/// The names declared, with what each names and where it was declared.
#[derive(Default)]
pub(super) struct Names {
    /// In declaration order.
    declared: Vec<(CompactString, (Entity, Span))>,
    /// Indices into `declared`, hashed by name.
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl Names {
    fn hash(&self, name: &str) -> u64 {
        self.hasher.hash_one(name)
    }

    /// Where `name` is in `declared`.
    fn index_of(&self, name: &str) -> Option<usize> {
        let index = self
            .table
            .find(self.hash(name), |&i| self.declared[i as usize].0 == name)?;
        Some(*index as usize)
    }

    /// Room for `more` names without growing.
    pub fn reserve(&mut self, more: usize) {
        self.declared.reserve(more);
        self.table
            .reserve(more, rehash(&self.declared, &self.hasher));
    }

    /// What `name` names and where it was declared.
    pub fn get(&self, name: &str) -> Option<&(Entity, Span)> {
        self.index_of(name).map(|i| &self.declared[i].1)
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
    ) -> Result<(), (Entity, Span)> {
        let hash = self.hash(name);
        let declared = &self.declared;
        match self.table.entry(
            hash,
            |&i| declared[i as usize].0 == *name,
            rehash(declared, &self.hasher),
        ) {
            Entry::Occupied(taken) => Err(declared[*taken.get() as usize].1),
            Entry::Vacant(slot) => {
                slot.insert(declared.len() as u32);
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

/// The hash of the declaration an index points to, for the table to move it when it grows.
fn rehash<'a>(
    declared: &'a [(CompactString, (Entity, Span))],
    hasher: &'a foldhash::fast::FixedState,
) -> impl Fn(&u32) -> u64 + 'a {
    move |&i| hasher.hash_one(declared[i as usize].0.as_str())
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
}
