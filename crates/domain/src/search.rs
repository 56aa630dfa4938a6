//! Catalog search in memory: an inverted index of the products' words, searched as the
//! customer types (every word of the query is a prefix, all must match) and ranked by
//! where each word was found: the name before the brand, the brand before the tags, the
//! tags before the description. The same rules as the databases' full-text indexes
//! (SQLite FTS5 with bm25 weights 10/5/3/1, PostgreSQL weights A/B/C/D), without a
//! database round trip: a query costs one pass over the postings of the words each of
//! its terms prefixes (and one zeroed scratch array the size of the catalog).
//!
//! Documents are numbered in the order they are given; callers give them in the order
//! ties should keep (the catalog: by name).

use std::collections::HashMap;

/// Where a word was found, as the score it adds.
pub const NAME: u8 = 10;
pub const BRAND: u8 = 5;
pub const TAGS: u8 = 3;
pub const DESCRIPTION: u8 = 1;

/// At most this many query words, each at most this many characters.
pub const MAX_TERMS: usize = 8;
pub const MAX_TERM_CHARS: usize = 40;

/// The words of a text or a query, lower-cased: letters and digits only (so nothing a
/// query language could read).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().take(MAX_TERM_CHARS).collect())
}

/// The words of a search: at most [`MAX_TERMS`].
pub fn terms(query: &str) -> Vec<String> {
    words(query).take(MAX_TERMS).collect()
}

/// The searchable text of one document.
pub struct Fields<'a> {
    pub name: &'a str,
    pub brand: &'a str,
    pub tags: &'a [String],
    pub description: &'a str,
}

/// Words in sorted order, each with the documents that hold it and the best field it
/// was found in there. Postings are flat: word `i` owns `docs[starts[i]..starts[i+1]]`,
/// so the words sharing a prefix own one contiguous run.
#[derive(Debug, Default)]
pub struct Index {
    words: Vec<Box<str>>,
    starts: Vec<u32>,
    docs: Vec<u32>,
    weights: Vec<u8>,
    len: usize,
}

impl Index {
    pub fn build<'a>(docs: impl IntoIterator<Item = Fields<'a>>) -> Index {
        let mut postings: HashMap<String, Vec<(u32, u8)>> = HashMap::new();
        let mut len = 0_usize;
        for (doc, f) in docs.into_iter().enumerate() {
            len = doc + 1;
            let doc = doc as u32;
            let fields = [
                (f.name, NAME),
                (f.brand, BRAND),
                (f.description, DESCRIPTION),
            ];
            let tags = f.tags.iter().map(|t| (t.as_str(), TAGS));
            for (text, weight) in fields.into_iter().chain(tags) {
                for w in words(text) {
                    let list = postings.entry(w).or_default();
                    match list.last_mut() {
                        Some((d, best)) if *d == doc => *best = (*best).max(weight),
                        _ => list.push((doc, weight)),
                    }
                }
            }
        }
        let mut sorted: Vec<(String, Vec<(u32, u8)>)> = postings.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut index = Index {
            len,
            ..Index::default()
        };
        for (word, list) in sorted {
            index.starts.push(index.docs.len() as u32);
            index.words.push(word.into_boxed_str());
            for (d, w) in list {
                index.docs.push(d);
                index.weights.push(w);
            }
        }
        index.starts.push(index.docs.len() as u32);
        index
    }

    /// How many documents the index holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The postings of every word `term` is a prefix of: one contiguous run.
    fn run(&self, term: &str) -> std::ops::Range<usize> {
        let lo = self.words.partition_point(|w| w.as_ref() < term);
        let hi = lo + self.words[lo..].partition_point(|w| w.starts_with(term));
        self.starts[lo] as usize..self.starts[hi] as usize
    }

    /// The documents matching `terms`, each with its score: each term must be a prefix
    /// of one of the document's words, and adds the weight of the best field it was
    /// found in. Empty `terms` match nothing. The work is the postings the terms cover
    /// (plus zeroing one byte per document for scratch); the documents come in no
    /// particular order.
    pub fn matches(&self, terms: &[String]) -> Vec<(u32, u16)> {
        let Some((first, rest)) = terms.split_first() else {
            return Vec::new();
        };
        // The best field of the current term per document; zeroed again after each term
        // (only where that term's postings wrote).
        let mut best = vec![0_u8; self.len];
        let mut found: Vec<(u32, u16)> = Vec::new();
        let run = self.run(first);
        for (d, w) in self.docs[run.clone()].iter().zip(&self.weights[run]) {
            let b = &mut best[*d as usize];
            if *b == 0 {
                found.push((*d, 0));
            }
            *b = (*b).max(*w);
        }
        for (d, score) in &mut found {
            *score = u16::from(std::mem::take(&mut best[*d as usize]));
        }
        for term in rest {
            if found.is_empty() {
                break;
            }
            let run = self.run(term);
            for (d, w) in self.docs[run.clone()]
                .iter()
                .zip(&self.weights[run.clone()])
            {
                let b = &mut best[*d as usize];
                *b = (*b).max(*w);
            }
            found.retain_mut(|(d, score)| {
                let b = best[*d as usize];
                *score = score.saturating_add(u16::from(b));
                b > 0
            });
            for d in &self.docs[run] {
                best[*d as usize] = 0;
            }
        }
        found
    }
}

/// The page `offset..offset + limit` of `matches` in the order `cmp` gives, without
/// sorting the rest: selects the first `offset + limit`, then sorts those only.
pub fn page<T: Copy>(
    mut matches: Vec<T>,
    offset: usize,
    limit: usize,
    mut cmp: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let end = offset.saturating_add(limit).min(matches.len());
    if offset >= end {
        return Vec::new();
    }
    if end < matches.len() {
        matches.select_nth_unstable_by(end, &mut cmp);
        matches.truncate(end);
    }
    matches.sort_unstable_by(cmp);
    matches.drain(offset..).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Index {
        /// Every document's score for `terms` (0: it does not match), from `matches`.
        fn scores(&self, terms: &[String]) -> Vec<u16> {
            let mut total = vec![0_u16; self.len];
            for (d, score) in self.matches(terms) {
                total[d as usize] = score;
            }
            total
        }
    }

    fn index(docs: &[(&str, &str, &[&str], &str)]) -> Index {
        let tags: Vec<Vec<String>> = docs
            .iter()
            .map(|d| d.2.iter().map(|t| (*t).to_owned()).collect())
            .collect();
        Index::build(docs.iter().zip(&tags).map(|(d, t)| Fields {
            name: d.0,
            brand: d.1,
            tags: t,
            description: d.3,
        }))
    }

    fn q(s: &str) -> Vec<String> {
        terms(s)
    }

    #[test]
    fn words_are_prefixes_ranked_by_field_and_all_required() {
        let ix = index(&[
            (
                "Amul Gold Full Cream Milk",
                "Amul",
                &["dairy"],
                "Fresh milk",
            ),
            ("Herbal Shampoo", "Himalaya", &["hair"], "With milk protein"),
            ("Milky Bar", "Nestle", &["chocolate", "milk"], "Sweet"),
            ("Basmati Rice", "Tata", &["rice"], "Long grain"),
        ]);
        assert_eq!(ix.len(), 4);
        // "milk" as a prefix: the name (Milk, Milky) before tags before the description.
        let s = ix.scores(&q("milk"));
        assert_eq!(s, vec![10, 1, 10, 0]);
        // Every word must match; scores add up.
        assert_eq!(ix.scores(&q("amul mil")), vec![20, 0, 0, 0]);
        assert_eq!(ix.scores(&q("nestle milk")), vec![0, 0, 15, 0]);
        assert_eq!(ix.scores(&q("milk rice")), vec![0, 0, 0, 0]);
        // A tag alone; case and punctuation do not matter.
        assert_eq!(ix.scores(&q("DAIRY!")), vec![3, 0, 0, 0]);
        assert_eq!(ix.scores(&q("\"*\" OR")), vec![0, 0, 0, 0]);
        assert_eq!(ix.scores(&[]), vec![0, 0, 0, 0]);
        // A prefix past the last word, and one before the first.
        assert_eq!(ix.scores(&q("zzz")), vec![0, 0, 0, 0]);
        assert_eq!(ix.scores(&q("0")), vec![0, 0, 0, 0]);
    }

    /// What `matches` must agree with: every document scored on its own, term by term.
    fn naive(docs: &[(String, String, Vec<String>, String)], terms: &[String]) -> Vec<u16> {
        docs.iter()
            .map(|(name, brand, tags, description)| {
                if terms.is_empty() {
                    return 0;
                }
                let mut fields = vec![(name.as_str(), NAME), (brand.as_str(), BRAND)];
                fields.extend(tags.iter().map(|t| (t.as_str(), TAGS)));
                fields.push((description.as_str(), DESCRIPTION));
                let mut total = 0_u16;
                for t in terms {
                    let best = fields
                        .iter()
                        .filter(|(text, _)| words(text).any(|w| w.starts_with(t.as_str())))
                        .map(|(_, weight)| *weight)
                        .max();
                    match best {
                        Some(w) => total += u16::from(w),
                        None => return 0,
                    }
                }
                total
            })
            .collect()
    }

    #[test]
    fn sparse_matches_agree_with_scoring_every_document() {
        let vocab = [
            "milk", "milky", "mild", "amul", "atta", "apple", "aam", "rice", "ragi", "red", "oil",
            "olive", "tea", "tata", "toor", "dal",
        ];
        // A fixed pseudo-random catalog: words drawn from a small vocabulary so prefixes
        // cover several words and documents share them across fields.
        let mut seed = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut phrase = |k: usize| -> String {
            (0..1 + next(k))
                .map(|_| vocab[next(vocab.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let docs: Vec<(String, String, Vec<String>, String)> = (0..300)
            .map(|_| (phrase(3), phrase(1), vec![phrase(1), phrase(1)], phrase(4)))
            .collect();
        let ix = Index::build(docs.iter().map(|d| Fields {
            name: &d.0,
            brand: &d.1,
            tags: &d.2,
            description: &d.3,
        }));
        let queries = [
            "m",
            "mi",
            "milk",
            "a",
            "am",
            "t",
            "ta",
            "tata tea",
            "m a",
            "mil ri",
            "r o t",
            "dal dal",
            "zz",
            "o olive",
            "a m r t d o",
            "",
        ];
        for query in queries {
            let t = q(query);
            let want = naive(&docs, &t);
            assert_eq!(ix.scores(&t), want, "{query:?}");
            let found = ix.matches(&t);
            assert_eq!(
                found.len(),
                want.iter().filter(|s| **s > 0).count(),
                "{query:?}"
            );
            assert!(found.iter().all(|(d, s)| *s > 0 && want[*d as usize] == *s));
        }
    }

    #[test]
    fn a_word_in_two_fields_counts_its_best_field_once() {
        let ix = index(&[("Amul Butter", "Amul", &["amul"], "Amul amul")]);
        assert_eq!(ix.scores(&q("amul")), vec![10]);
    }

    #[test]
    fn terms_are_bounded() {
        let long = "x".repeat(60);
        let t = terms(&format!("a b c d e f g h i j {long}"));
        assert_eq!(t.len(), MAX_TERMS);
        assert_eq!(terms(&long)[0].chars().count(), MAX_TERM_CHARS);
    }

    #[test]
    fn a_page_is_the_right_slice_of_the_full_order() {
        let all: Vec<u32> = (0..1000).rev().collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        for (offset, limit) in [(0, 10), (990, 50), (500, 1), (1000, 10), (5, 0)] {
            let got = page(all.clone(), offset, limit, |a, b| a.cmp(b));
            let end = (offset + limit).min(1000);
            let want: Vec<u32> = sorted.get(offset.min(end)..end).unwrap_or(&[]).to_vec();
            assert_eq!(got, want, "{offset} {limit}");
        }
    }
}
