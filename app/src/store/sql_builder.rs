//! SQL assembled at run time (multi-row inserts, `IN` lists) with numbered parameters.
//!
//! sqlx's `QueryBuilder` writes `?` for the `Any` driver, which PostgreSQL does not read;
//! this one writes `$1, $2, …`, which both engines read, and keeps the same shape of API.

use std::fmt::Write;

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments, Encode, FromRow, Type};

use super::db::DbRow;

pub struct SqlBuilder<'q> {
    text: String,
    args: AnyArguments<'q>,
    count: usize,
    /// The first value that failed to encode; reported when the query runs.
    error: Option<String>,
}

impl<'q> SqlBuilder<'q> {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: AnyArguments::default(),
            count: 0,
            error: None,
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next parameter's placeholder and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        if let Err(e) = self.args.add(value) {
            self.error.get_or_insert(e.to_string());
        }
        self.count += 1;
        // Writing to a String cannot fail.
        let _ = write!(self.text, "${}", self.count);
        self
    }

    /// `VALUES (…), (…)`: one parenthesised row per item, its fields written by `row`.
    pub fn push_values<I, F>(&mut self, items: I, mut row: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(Separated<'_, 'q>, I::Item),
    {
        self.text.push_str("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push('(');
            row(self.separated(", "), item);
            self.text.push(')');
        }
        self
    }

    /// Items pushed through the result are joined by `separator`.
    pub fn separated(&mut self, separator: &'static str) -> Separated<'_, 'q> {
        Separated {
            builder: self,
            separator,
            first: true,
        }
    }

    fn take(&mut self) -> Result<AnyArguments<'q>, sqlx::Error> {
        match self.error.take() {
            Some(e) => Err(sqlx::Error::Encode(e.into())),
            None => Ok(std::mem::take(&mut self.args)),
        }
    }

    pub fn build(&mut self) -> Result<Query<'_, Any, AnyArguments<'_>>, sqlx::Error> {
        let args = self.take()?;
        Ok(sqlx::query_with(&self.text, args))
    }

    pub fn build_query_as<T>(
        &mut self,
    ) -> Result<QueryAs<'_, Any, T, AnyArguments<'_>>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, DbRow>,
    {
        let args = self.take()?;
        Ok(sqlx::query_as_with(&self.text, args))
    }

    pub fn build_query_scalar<T>(
        &mut self,
    ) -> Result<QueryScalar<'_, Any, T, AnyArguments<'_>>, sqlx::Error>
    where
        (T,): for<'r> FromRow<'r, DbRow>,
    {
        let args = self.take()?;
        Ok(sqlx::query_scalar_with(&self.text, args))
    }
}

/// A list inside a [`SqlBuilder`] whose items are joined by a separator.
pub struct Separated<'b, 'q> {
    builder: &'b mut SqlBuilder<'q>,
    separator: &'static str,
    first: bool,
}

impl<'q> Separated<'_, 'q> {
    fn next(&mut self) {
        if !self.first {
            self.builder.text.push_str(self.separator);
        }
        self.first = false;
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.next();
        self.builder.text.push_str(text);
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        self.next();
        self.builder.push_bind(value);
        self
    }
}

/// Numbers a statement's `?` placeholders `$1, $2, …` in order (for SQL put together from
/// fragments, where each fragment cannot know its parameters' numbers). The statement must
/// have no `?` inside a string literal.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            let _ = write!(out, "${n}");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_lists_number_their_parameters_in_order() {
        let mut b = SqlBuilder::new("INSERT INTO t (a, b) ");
        b.push_values([1_i64, 2], |mut row, v| {
            row.push_bind(v).push("'x'").push_bind(v * 10);
        });
        b.push(" WHERE id IN (");
        let mut list = b.separated(", ");
        list.push_bind(7_i64).push_bind(8_i64);
        b.push(")");
        assert_eq!(
            b.text,
            "INSERT INTO t (a, b) VALUES ($1, 'x', $2), ($3, 'x', $4) WHERE id IN ($5, $6)"
        );
        assert_eq!(b.count, 6);
    }

    #[test]
    fn fragments_are_numbered_left_to_right() {
        assert_eq!(
            numbered("a = ? AND (b, c) > (?, ?) LIMIT ?"),
            "a = $1 AND (b, c) > ($2, $3) LIMIT $4"
        );
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
    }
}
