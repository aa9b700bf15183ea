//! From a query plan to the search tree: stems, typos, completions, synonyms, phrases and
//! field boosts. Shared by every index of the crate; an index says which of its fields play
//! which part in a [`Scheme`].

use std::collections::BTreeMap;
use std::rc::Rc;

use tantivy::schema::Field;
use tantivy::{Score, Searcher, Term};

use crate::analyzer;
use crate::error::Result;
use crate::eval::{self, Compiled, Node};
use crate::highlight::Marks;
use crate::query::{self, MIN_PREFIX_CHARS, Plan, Unit};
use crate::synonyms;
use crate::terms;

/// An unknown word is corrected to the words of the index a typo away, which then score like
/// typed words, times this for one edit...
const CORRECTION_WEIGHT: Score = 0.6;
/// ... and this for two.
const FAR_CORRECTION_WEIGHT: Score = 0.4;
/// A half-typed word is completed to the words of the index it begins, which then score like
/// typed words, times this.
const COMPLETION_WEIGHT: Score = 0.5;
/// Most corrections or completions tried for one word, most frequent first.
const MAX_EXPANSIONS: usize = 24;
/// Besides, any word a typo away from an unknown word, or begun by a half-typed one,
/// matches, for a constant score scaled by these: enough to be found, never enough to beat
/// an exact match.
const FUZZY_WEIGHT: Score = 0.2;
const PREFIX_WEIGHT: Score = 0.2;
/// The other expressions of a synonym group weigh this much against the one typed.
const SYNONYM_WEIGHT: Score = 0.8;
/// How much a second matching expression of a synonym group still adds.
const SYNONYM_TIE_BREAKER: Score = 0.2;
/// The words of a multi-word expression anywhere in a short field, not side by side.
const LOOSE_PHRASE_WEIGHT: Score = 0.4;
/// Stop words of the query in a title add this much of a title match (and never make a
/// document match on their own).
const SMALL_WORD_WEIGHT: Score = 0.3;
/// The whole query as a phrase in a title adds this much of a title match...
const TITLE_PHRASE_WEIGHT: Score = 1.0;
/// ... with this many words out of place.
const TITLE_PHRASE_SLOP: u32 = 2;
/// Words that may stand between the words of a multi-word expression.
const PHRASE_SLOP: u32 = 1;

/// The parts an index's fields play in a search.
#[derive(Debug, Clone)]
pub(crate) struct Scheme {
    /// Fields analysed with [`analyzer::DANISH`], and their boosts.
    pub stemmed: Vec<(Field, Score)>,
    /// The short stemmed fields, where words that co-occur are about the same thing.
    pub short: Vec<(Field, Score)>,
    /// Fields analysed with [`analyzer::LOWER`] (words as typed), for typos and prefixes.
    pub raw: Vec<(Field, Score)>,
    /// Per stemmed field, its field analysed with [`analyzer::PAIRS`], for expressions.
    pub pairs: Vec<(Field, Field)>,
    /// The title: stop words and the whole query as a phrase add a little there.
    pub title: (Field, Score),
    /// The long text: how rare a stem is there weighs its marks in snippets.
    pub body: Field,
}

impl Scheme {
    fn raw_fields(&self) -> Vec<Field> {
        self.raw.iter().map(|(f, _)| *f).collect()
    }

    /// Whether `word` occurs in some document, as typed or by its stem.
    pub fn is_known(&self, searcher: &Searcher, word: &str) -> bool {
        let occurs = |field: Field, text: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, text))
                .is_ok_and(|n| n > 0)
        };
        self.raw.iter().any(|(field, _)| occurs(*field, word))
            || analyzer::stem(word)
                .is_some_and(|stem| occurs(self.body, &stem) || occurs(self.title.0, &stem))
    }

    /// The search tree for the plan; `None` when the plan is empty.
    pub fn compile(&self, searcher: &Searcher, plan: &Plan) -> Result<Option<Compiled>> {
        let mut units = Vec::new();
        for unit in &plan.units {
            let node = match unit {
                Unit::Word { forms, prefix } => {
                    let mut alternatives = Vec::new();
                    for form in forms {
                        alternatives.extend(self.word(searcher, form, *prefix)?);
                    }
                    eval::best(alternatives, 0.0)
                }
                Unit::Synonyms {
                    group,
                    typed,
                    prefix,
                } => self.synonyms(searcher, *group, typed, prefix.as_deref())?,
            };
            units.extend(node);
        }
        let Some(content) = eval::sum(units) else {
            return Ok(None);
        };
        let (title, title_boost) = self.title;
        let mut bonus: Vec<Node> = plan
            .small_words
            .iter()
            .filter_map(|word| analyzer::stem(word))
            .map(|stem| Node::Term {
                term: Term::from_field_text(title, &stem),
                boost: title_boost * SMALL_WORD_WEIGHT,
            })
            .collect();
        // The whole query, more or less word for word, in a title.
        let stems: Vec<String> = plan
            .words
            .iter()
            .filter_map(|w| analyzer::stem(w))
            .collect();
        if stems.len() >= 2 {
            let terms = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(title, s)))
                .collect();
            bonus.push(Node::phrase(
                searcher,
                terms,
                TITLE_PHRASE_SLOP,
                title_boost * TITLE_PHRASE_WEIGHT,
            )?);
        }
        Ok(Some(Compiled {
            content,
            bonus: eval::sum(bonus),
        }))
    }

    /// A typed word: its stem in every field; if the index does not have it, the words a
    /// typo away; if it may be half typed, the words it begins.
    fn word(&self, searcher: &Searcher, word: &str, prefix: bool) -> Result<Option<Node>> {
        let mut clauses = Vec::new();
        if let Some(stem) = analyzer::stem(word) {
            clauses.push(self.stem(&stem));
        }
        let distance = query::fuzzy_distance(word);
        // A word the index has is taken as meant: also matching every word a typo from it
        // cost a pass over most of the index for "mitid" and changed no ranking measured.
        let known = (distance > 0 || prefix) && self.is_known(searcher, word);
        if distance > 0 && !known {
            let found = terms::within_edits(searcher, &self.raw_fields(), word, distance)?;
            let corrections = found.ranked(
                |_, edits| match edits {
                    1 => Some(CORRECTION_WEIGHT),
                    2 => Some(FAR_CORRECTION_WEIGHT),
                    _ => None,
                },
                MAX_EXPANSIONS,
            );
            clauses.extend(self.expansions(&corrections));
            clauses.extend(self.any_of(found, FUZZY_WEIGHT));
        }
        if prefix {
            clauses.extend(self.prefix(searcher, word, known)?);
        }
        Ok(eval::sum(clauses))
    }

    /// Words that `word` begins: their stems, scored, plus, unless `word` is itself a word
    /// of the index (`known`), a constant for any of them.
    fn prefix(&self, searcher: &Searcher, word: &str, known: bool) -> Result<Option<Node>> {
        if word.chars().count() < MIN_PREFIX_CHARS {
            return Ok(None);
        }
        let found = terms::with_prefix(searcher, &self.raw_fields(), word)?;
        let completions = found.ranked(
            |candidate, _| (candidate != word).then_some(COMPLETION_WEIGHT),
            MAX_EXPANSIONS,
        );
        let mut clauses: Vec<Node> = self.expansions(&completions).into_iter().collect();
        if !known {
            clauses.extend(self.any_of(found, PREFIX_WEIGHT));
        }
        Ok(eval::sum(clauses))
    }

    /// A constant `weight` (times the field's boost) for documents with any word found, per
    /// unstemmed field.
    fn any_of(&self, found: terms::Found, weight: Score) -> Vec<Node> {
        self.raw
            .iter()
            .map(|&(field, boost)| Node::Any {
                postings: Rc::new(
                    found
                        .postings
                        .iter()
                        .map(|segment| {
                            segment
                                .iter()
                                .filter(|(f, _)| *f == field)
                                .map(|(_, info)| info.clone())
                                .collect()
                        })
                        .collect(),
                ),
                field,
                boost: boost * weight,
            })
            .collect()
    }

    /// The best of the stems of `words`, each scored like a typed word times its weight.
    fn expansions(&self, words: &[(String, Score, u64)]) -> Option<Node> {
        let mut seen = Vec::new();
        let mut nodes = Vec::new();
        for (word, weight, _) in words {
            let Some(stem) = analyzer::stem(word) else {
                continue;
            };
            if seen.contains(&stem) {
                continue;
            }
            nodes.push(self.stem(&stem).scaled(*weight));
            seen.push(stem);
        }
        eval::best(nodes, 0.0)
    }

    /// A stem in every stemmed field, boosted by field.
    fn stem(&self, stem: &str) -> Node {
        Node::Sum(
            self.stemmed
                .iter()
                .map(|&(field, boost)| Node::Term {
                    term: Term::from_field_text(field, stem),
                    boost,
                })
                .collect(),
        )
    }

    /// A synonym group: any of its expressions, the typed one a little stronger.
    ///
    /// Expressions of one group are scored as one concept: each is weighed by the rarity of
    /// the group's most common expression, not its own ("blended" idf). Otherwise a rare
    /// synonym would outscore what was typed, and as English words are rare in a mostly
    /// Danish knowledge base, "mistet" would rank English articles about "lost" first.
    fn synonyms(
        &self,
        searcher: &Searcher,
        group: usize,
        typed: &str,
        prefix: Option<&str>,
    ) -> Result<Option<Node>> {
        let typed_stems = analyzer::analyze(typed);
        let mut expressions: Vec<(Vec<String>, Option<Score>)> = Vec::new();
        for expression in synonyms::expressions(group) {
            let stems = analyzer::analyze(expression);
            if !stems.is_empty() && !expressions.iter().any(|(s, _)| *s == stems) {
                let idf = self.idf(searcher, &stems)?;
                expressions.push((stems, idf));
            }
        }
        if !typed_stems.is_empty() && !expressions.iter().any(|(s, _)| *s == typed_stems) {
            // Matched with small words inside ("mistet min telefon"): search it as typed too.
            let idf = self.idf(searcher, &typed_stems)?;
            expressions.push((typed_stems.clone(), idf));
        }
        let concept_idf = expressions
            .iter()
            .filter_map(|(_, idf)| *idf)
            .reduce(Score::min);
        let mut alternatives = Vec::new();
        for (stems, idf) in &expressions {
            let (Some(idf), Some(concept_idf)) = (idf, concept_idf) else {
                continue; // occurs nowhere
            };
            let base = if *stems == typed_stems {
                1.0
            } else {
                SYNONYM_WEIGHT
            };
            let weight = base * concept_idf / idf;
            alternatives.push(self.expression(searcher, stems)?.scaled(weight));
        }
        if let Some(word) = prefix {
            let known = self.is_known(searcher, word);
            alternatives.extend(self.prefix(searcher, word, known)?);
        }
        Ok(eval::best(alternatives, SYNONYM_TIE_BREAKER))
    }

    /// The BM25 rarity of an expression: the sum over its stems, each as rare as in the
    /// field where it is most common. `None` when a stem occurs nowhere.
    fn idf(&self, searcher: &Searcher, stems: &[String]) -> Result<Option<Score>> {
        let num_docs = searcher.num_docs() as Score;
        let mut sum = 0.0;
        for stem in stems {
            let mut doc_freq = 0;
            for (field, _) in &self.stemmed {
                doc_freq = doc_freq.max(searcher.doc_freq(&Term::from_field_text(*field, stem))?);
            }
            if doc_freq == 0 {
                return Ok(None);
            }
            let doc_freq = doc_freq as Score;
            sum += (1.0 + (num_docs - doc_freq + 0.5) / (doc_freq + 0.5)).ln();
        }
        Ok(Some(sum))
    }

    /// The stems of an expression: one stem anywhere; several side by side, or (weaker) all
    /// in a short field. An expression with a short word ("mit id", "nem id") is a fixed
    /// phrase: its words must stand side by side, or "mit id" would match "mit bruger-id".
    ///
    /// The expressions of the synonym groups are indexed as pairs of stems, so they are read
    /// from the pair fields; an expression as typed ("mistet min telefon") is a real phrase.
    fn expression(&self, searcher: &Searcher, stems: &[String]) -> Result<Node> {
        if let [stem] = stems {
            return Ok(self.stem(stem));
        }
        let fixed = stems.iter().any(|s| s.chars().count() <= 3);
        let slop = if fixed { 0 } else { PHRASE_SLOP };
        let indexed = stems
            .windows(2)
            .all(|pair| analyzer::is_indexed_pair(&pair[0], &pair[1]));
        let mut clauses = Vec::new();
        for &(field, boost) in &self.stemmed {
            let terms: Vec<(usize, Term)> = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(field, s)))
                .collect();
            let pair_field = self
                .pairs
                .iter()
                .find(|(stemmed, _)| *stemmed == field)
                .map(|(_, pairs)| *pairs);
            match pair_field {
                Some(pair_field) if indexed => {
                    let pairs = stems
                        .windows(2)
                        .map(|pair| {
                            (1..=slop as usize + 1)
                                .map(|gap| {
                                    let text = analyzer::pair_term(&pair[0], &pair[1], gap);
                                    Term::from_field_text(pair_field, &text)
                                })
                                .collect()
                        })
                        .collect();
                    let stems = terms.into_iter().map(|(_, t)| t).collect();
                    clauses.push(Node::pairs(searcher, stems, pairs, boost)?);
                }
                _ => clauses.push(Node::phrase(searcher, terms, slop, boost)?),
            }
        }
        if !fixed {
            for &(field, boost) in &self.short {
                clauses.push(Node::All {
                    terms: stems
                        .iter()
                        .map(|s| Term::from_field_text(field, s))
                        .collect(),
                    boost: boost * LOOSE_PHRASE_WEIGHT,
                });
            }
        }
        Ok(Node::Sum(clauses))
    }

    /// What the snippets of this search mark.
    pub fn marks(
        &self,
        searcher: &Searcher,
        compiled: Option<&Compiled>,
        plan: &Plan,
    ) -> Result<Marks> {
        let mut marks = Marks::new(
            plan.fuzzy_words(),
            plan.prefix_word()
                .filter(|w| w.chars().count() >= MIN_PREFIX_CHARS)
                .map(str::to_string),
        );
        let Some(compiled) = compiled else {
            return Ok(marks);
        };
        let stemmed: Vec<Field> = self.stemmed.iter().map(|(f, _)| *f).collect();
        let small = stemmed_stop_words();
        let mut stems = BTreeMap::new();
        compiled.visit_terms(&mut |term| {
            // Small words and the bits of "e-boks" or "mit.dk" are not worth marking.
            if stemmed.contains(&term.field())
                && let Some(text) = term.value().as_str()
                && text.chars().count() > 2
                && !small.iter().any(|s| s == text)
            {
                stems.insert(text.to_string(), ());
            }
        });
        for stem in stems.into_keys() {
            let doc_freq = searcher.doc_freq(&Term::from_field_text(self.body, &stem))?;
            marks.stems.insert(stem, 1.0 / (1.0 + doc_freq as Score));
        }
        Ok(marks)
    }
}

/// The stems of the stop words: never marked, never made "more like this" of.
pub(crate) fn stemmed_stop_words() -> Vec<String> {
    query::stop_words()
        .iter()
        .filter_map(|w| analyzer::stem(w))
        .collect()
}

/// Field options shared by the indexes of the crate.
pub(crate) mod options {
    use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions};

    use crate::analyzer::{DANISH, KEYWORD, LOWER, PAIRS};

    fn indexed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    }

    /// Stemmed text, with positions for phrases.
    pub fn stemmed() -> TextOptions {
        indexed(DANISH, IndexRecordOption::WithFreqsAndPositions)
    }

    /// Words as typed, for typos and prefixes.
    pub fn raw() -> TextOptions {
        indexed(LOWER, IndexRecordOption::WithFreqs)
    }

    /// A whole value as one lower-cased term, for filters.
    pub fn keyword() -> TextOptions {
        indexed(KEYWORD, IndexRecordOption::Basic)
    }

    /// Synonym-expression pairs. Scored with the stemmed field's lengths, so none of their
    /// own.
    pub fn pairs() -> TextOptions {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PAIRS)
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        )
    }
}
