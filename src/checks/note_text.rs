//! Does a custom check's `evidence` carry note text? A lineage walk over the
//! parsed SQL, run when the checks are loaded, so that note text never
//! reaches findings, summary or report, whoever wrote the check.
//!
//! `notes.text` is the source. A column carries note text when its
//! expression reads a column that does: through CTEs, subqueries in FROM,
//! joins, wildcards (`*`, `t.*`, EXCLUDE/RENAME/REPLACE), set operations and
//! scalar subqueries. Any reading counts, a condition included (`CASE WHEN
//! text LIKE ...`, `length(text)`): the walk is deliberately conservative.
//! Reading the text elsewhere (WHERE, JOIN ... ON, HAVING) is allowed: it
//! chooses rows, it does not put text into them. Table forms the walk does
//! not model (table functions, PIVOT, UNNEST) count as carrying note text
//! in every column when they mention `notes` or a column named `text`.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, ObjectName, ObjectNamePart, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, Statement, TableAlias, TableFactor, TableWithJoins,
    Visit, Visitor, WildcardAdditionalOptions,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserOptions};

/// The table and column holding note text.
const SOURCE_TABLE: &str = "notes";
const SOURCE_COLUMN: &str = "text";

/// Whether a column carries note text, and from which line of the query.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Taint {
    Clean,
    /// `notes.text` itself, as the table named on this line holds it.
    Source(usize),
    /// Note text, read on this line.
    Text(usize),
}

impl Taint {
    fn is_text(self) -> bool {
        self != Taint::Clean
    }
    /// The first of the two that carries text.
    fn or(self, other: Taint) -> Taint {
        if self.is_text() { self } else { other }
    }
    /// As read by a reference on `line`: the source becomes text read there.
    fn read_at(self, line: usize) -> Taint {
        match self {
            Taint::Source(_) => Taint::Text(line),
            t => t,
        }
    }
    fn line(self) -> Option<usize> {
        match self {
            Taint::Clean => None,
            Taint::Source(l) | Taint::Text(l) => Some(l),
        }
    }
}

/// A relation's columns (lower-case names, in order) and what any column it
/// holds but the walk cannot name carries (`rest`).
#[derive(Clone, Debug)]
struct Rel {
    cols: Vec<(String, Taint)>,
    rest: Taint,
}

impl Rel {
    fn empty() -> Rel {
        Rel {
            cols: Vec::new(),
            rest: Taint::Clean,
        }
    }
    fn opaque(t: Taint) -> Rel {
        Rel {
            cols: Vec::new(),
            rest: t,
        }
    }
    fn get(&self, name: &str) -> Taint {
        self.cols
            .iter()
            .find(|(n, _)| n == name)
            .map_or(self.rest, |(_, t)| *t)
    }
    fn any(&self) -> Taint {
        self.cols.iter().fold(self.rest, |acc, (_, t)| acc.or(*t))
    }
    /// Renamed by a column list (`t(a, b)`): by position; a list longer or
    /// shorter than the columns makes the extra names carry what any does.
    fn renamed(self, alias: Option<&TableAlias>) -> Rel {
        let Some(a) = alias.filter(|a| !a.columns.is_empty()) else {
            return self;
        };
        let any = self.any();
        let cols = a
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = self.cols.get(i).map_or(any, |(_, t)| *t);
                (lower(&c.name), t)
            })
            .collect();
        Rel {
            cols,
            rest: self.rest,
        }
    }
}

/// A relation in scope under its name (alias, else table name).
#[derive(Clone, Debug)]
struct Named {
    name: String,
    rel: Rel,
}

fn lower(i: &Ident) -> String {
    i.value.to_ascii_lowercase()
}

fn line_of(i: &Ident) -> usize {
    (i.span.start.line as usize).max(1)
}

fn last_part(n: &ObjectName) -> Option<&Ident> {
    n.0.iter().rev().find_map(|p| match p {
        ObjectNamePart::Identifier(i) => Some(i),
        _ => None,
    })
}

/// The line of a custom check's query where note text is read into its
/// `evidence` column, or None when evidence carries no note text. `tables`
/// are the columns of every table a check may read. Errors are parse errors
/// (the planner reports those first, with their line).
pub fn evidence_reads_note_text(
    sql: &str,
    tables: &HashMap<String, Vec<String>>,
) -> Result<Option<usize>, sqlparser::parser::ParserError> {
    let statements = Parser::new(&GenericDialect)
        .with_options(ParserOptions {
            trailing_commas: true,
            ..Default::default()
        })
        .try_with_sql(sql)?
        .parse_statements()?;
    let mut walk = Lineage {
        tables,
        ctes: Vec::new(),
    };
    for s in &statements {
        if let Statement::Query(q) = s {
            let rel = walk.query(q, &[]);
            // `evidence`, or a column whose name the walk cannot tell.
            let t = rel
                .cols
                .iter()
                .filter(|(n, _)| n == "evidence" || n == "?")
                .fold(rel.rest, |acc, (_, t)| acc.or(*t));
            if let Some(line) = t.line() {
                return Ok(Some(line));
            }
        }
    }
    Ok(None)
}

struct Lineage<'a> {
    tables: &'a HashMap<String, Vec<String>>,
    /// CTEs in scope, innermost WITH last.
    ctes: Vec<HashMap<String, Rel>>,
}

impl Lineage<'_> {
    fn query(&mut self, q: &Query, outer: &[Named]) -> Rel {
        let pushed = q.with.is_some();
        if let Some(with) = &q.with {
            self.ctes.push(HashMap::new());
            for cte in &with.cte_tables {
                let rel = self.query(&cte.query, outer).renamed(Some(&cte.alias));
                self.ctes
                    .last_mut()
                    .expect("pushed above")
                    .insert(lower(&cte.alias.name), rel);
            }
        }
        let out = self.set_expr(&q.body, outer);
        if pushed {
            self.ctes.pop();
        }
        out
    }

    fn set_expr(&mut self, body: &SetExpr, outer: &[Named]) -> Rel {
        match body {
            SetExpr::Select(s) => self.select(s, outer),
            SetExpr::Query(q) => self.query(q, outer),
            SetExpr::SetOperation { left, right, .. } => {
                let mut l = self.set_expr(left, outer);
                let r = self.set_expr(right, outer);
                // By position, and by name (UNION BY NAME).
                for (i, (name, t)) in l.cols.iter_mut().enumerate() {
                    let by_pos = r.cols.get(i).map_or(Taint::Clean, |(_, t)| *t);
                    *t = t.or(by_pos).or(r.get(name));
                }
                if l.cols.len() < r.cols.len() {
                    l.rest = l.rest.or(r.any());
                }
                l.rest = l.rest.or(r.rest);
                l
            }
            SetExpr::Values(v) => {
                let mut cols: Vec<(String, Taint)> = Vec::new();
                for row in &v.rows {
                    for (i, e) in row.iter().enumerate() {
                        let t = self.expr(e, outer, &[]);
                        match cols.get_mut(i) {
                            Some(c) => c.1 = c.1.or(t),
                            None => cols.push((format!("column{}", i + 1), t)),
                        }
                    }
                }
                Rel {
                    cols,
                    rest: Taint::Clean,
                }
            }
            other => Rel::opaque(mentions_note_text(other)),
        }
    }

    fn select(&mut self, s: &Select, outer: &[Named]) -> Rel {
        let mut locals: Vec<Named> = Vec::new();
        for twj in &s.from {
            self.table_with_joins(twj, outer, &mut locals);
        }
        let scope: Vec<Named> = locals.iter().chain(outer).cloned().collect();
        let mut cols: Vec<(String, Taint)> = Vec::new();
        let mut rest = Taint::Clean;
        for item in &s.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let t = self.expr(e, &scope, &cols);
                    cols.push((output_name(e), t));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let t = self.expr(expr, &scope, &cols);
                    cols.push((lower(alias), t));
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    let t = self.expr(expr, &scope, &cols);
                    cols.extend(aliases.iter().map(|a| (lower(a), t)));
                }
                SelectItem::Wildcard(opts) => {
                    let line = opts.wildcard_token.0.span.start.line as usize;
                    for n in &locals {
                        self.expand(&n.rel, opts, line, &scope, &mut cols, &mut rest);
                    }
                }
                SelectItem::QualifiedWildcard(kind, opts) => {
                    let line = opts.wildcard_token.0.span.start.line as usize;
                    match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            let q = last_part(name).map(lower).unwrap_or_default();
                            let found: Vec<Rel> = scope
                                .iter()
                                .filter(|n| n.name == q)
                                .map(|n| n.rel.clone())
                                .collect();
                            for rel in found.iter().take(1) {
                                self.expand(rel, opts, line, &scope, &mut cols, &mut rest);
                            }
                            if found.is_empty() {
                                let any = scope.iter().fold(Taint::Clean, |a, n| a.or(n.rel.any()));
                                rest = rest.or(any.read_at(line));
                            }
                        }
                        SelectItemQualifiedWildcardKind::Expr(e) => {
                            rest = rest.or(self.expr(e, &scope, &cols));
                        }
                    }
                }
            }
        }
        if let Some(ex) = &s.exclude {
            let names = exclude_names(ex);
            cols.retain(|(n, _)| !names.contains(n));
        }
        Rel { cols, rest }
    }

    /// `*` over one relation, with its EXCLUDE / EXCEPT / RENAME / REPLACE.
    fn expand(
        &mut self,
        rel: &Rel,
        opts: &WildcardAdditionalOptions,
        line: usize,
        scope: &[Named],
        cols: &mut Vec<(String, Taint)>,
        rest: &mut Taint,
    ) {
        let line = line.max(1);
        let excluded: Vec<String> = opts
            .opt_exclude
            .as_ref()
            .map(exclude_names)
            .unwrap_or_default();
        let excepted: Vec<String> = opts
            .opt_except
            .as_ref()
            .map(|e| {
                std::iter::once(&e.first_element)
                    .chain(&e.additional_elements)
                    .map(lower)
                    .collect()
            })
            .unwrap_or_default();
        for (name, t) in &rel.cols {
            if excluded.contains(name) || excepted.contains(name) {
                continue;
            }
            let mut name = name.clone();
            let mut t = t.read_at(line);
            if let Some(r) = &opts.opt_replace {
                for el in &r.items {
                    if lower(&el.column_name) == name {
                        t = self.expr(&el.expr, scope, &[]);
                    }
                }
            }
            if let Some(r) = &opts.opt_rename {
                use sqlparser::ast::RenameSelectItem;
                let pairs = match r {
                    RenameSelectItem::Single(p) => std::slice::from_ref(p),
                    RenameSelectItem::Multiple(v) => v.as_slice(),
                };
                if let Some(p) = pairs.iter().find(|p| lower(&p.ident) == name) {
                    name = lower(&p.alias);
                }
            }
            cols.push((name, t));
        }
        *rest = rest.or(rel.rest.read_at(line));
    }

    fn table_with_joins(&mut self, twj: &TableWithJoins, outer: &[Named], locals: &mut Vec<Named>) {
        self.factor(&twj.relation, outer, locals);
        for j in &twj.joins {
            self.factor(&j.relation, outer, locals);
        }
    }

    fn factor(&mut self, f: &TableFactor, outer: &[Named], locals: &mut Vec<Named>) {
        match f {
            TableFactor::Table {
                name, alias, args, ..
            } if args.is_none() => {
                let Some(id) = last_part(name) else {
                    return;
                };
                let table = lower(id);
                let rel = self
                    .ctes
                    .iter()
                    .rev()
                    .find_map(|m| m.get(&table).cloned())
                    .unwrap_or_else(|| self.base(&table, line_of(id)));
                locals.push(Named {
                    name: alias.as_ref().map_or(table, |a| lower(&a.name)),
                    rel: rel.renamed(alias.as_ref()),
                });
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                // (A LATERAL subquery may read the relations before it.)
                let scope: Vec<Named> = locals.iter().chain(outer).cloned().collect();
                let rel = self.query(subquery, &scope).renamed(alias.as_ref());
                locals.push(Named {
                    name: alias.as_ref().map_or(String::new(), |a| lower(&a.name)),
                    rel,
                });
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let mut inner = Vec::new();
                self.table_with_joins(table_with_joins, outer, &mut inner);
                if let Some(a) = alias {
                    let cols = inner.iter().flat_map(|n| n.rel.cols.clone()).collect();
                    let rest = inner.iter().fold(Taint::Clean, |acc, n| acc.or(n.rel.rest));
                    locals.push(Named {
                        name: lower(&a.name),
                        rel: Rel { cols, rest }.renamed(Some(a)),
                    });
                } else {
                    locals.extend(inner);
                }
            }
            other => {
                let name = match other {
                    TableFactor::Table { alias, .. }
                    | TableFactor::TableFunction { alias, .. }
                    | TableFactor::Function { alias, .. }
                    | TableFactor::UNNEST { alias, .. } => {
                        alias.as_ref().map_or(String::new(), |a| lower(&a.name))
                    }
                    _ => String::new(),
                };
                locals.push(Named {
                    name,
                    rel: Rel::opaque(mentions_note_text(other)),
                });
            }
        }
    }

    /// A table of the model (or an unknown name, which the planner refuses).
    fn base(&self, table: &str, line: usize) -> Rel {
        let Some(columns) = self.tables.get(table) else {
            return Rel::empty();
        };
        let cols = columns
            .iter()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                let t = if table == SOURCE_TABLE && c == SOURCE_COLUMN {
                    Taint::Source(line)
                } else {
                    Taint::Clean
                };
                (c, t)
            })
            .collect();
        Rel {
            cols,
            rest: Taint::Clean,
        }
    }

    /// What an expression carries: the columns it reads (resolved in
    /// `scope`, then among the select's earlier outputs `earlier`, which
    /// Polars lets later ones name) and its scalar subqueries.
    fn expr(&mut self, e: &Expr, scope: &[Named], earlier: &[(String, Taint)]) -> Taint {
        let mut refs = References::default();
        let _ = e.visit(&mut refs);
        let mut t = Taint::Clean;
        for parts in &refs.columns {
            t = t.or(resolve(parts, scope, earlier));
        }
        for q in &refs.subqueries {
            t = t.or(self.query(q, scope).any());
        }
        t
    }
}

/// What a column reference reads. Unqualified: every relation in scope with
/// that column (the planner refuses ambiguity; this errs on the safe side).
fn resolve(parts: &[Ident], scope: &[Named], earlier: &[(String, Taint)]) -> Taint {
    let Some(last) = parts.last() else {
        return Taint::Clean;
    };
    let line = line_of(last);
    let name = lower(last);
    if parts.len() >= 2 {
        let qual = lower(&parts[parts.len() - 2]);
        if let Some(n) = scope.iter().find(|n| n.name == qual) {
            return n.rel.get(&name).read_at(line);
        }
        // Not a relation: a struct field `col.field`; the column is the first part.
        return resolve(&parts[..1], scope, earlier);
    }
    let from_scope = scope
        .iter()
        .fold(Taint::Clean, |acc, n| acc.or(n.rel.get(&name)));
    let from_earlier = earlier
        .iter()
        .filter(|(n, _)| *n == name)
        .fold(Taint::Clean, |acc, (_, t)| acc.or(*t));
    from_scope.or(from_earlier).read_at(line)
}

/// The name Polars gives an unaliased expression: its column's name (for
/// `upper(t.x)`, `x`); `?` when it reads no column.
fn output_name(e: &Expr) -> String {
    let mut refs = References::default();
    let _ = e.visit(&mut refs);
    refs.columns
        .first()
        .and_then(|p| p.last())
        .map_or_else(|| "?".to_string(), lower)
}

/// Column references and subqueries of an expression, outside its subqueries.
#[derive(Default)]
struct References {
    depth: usize,
    columns: Vec<Vec<Ident>>,
    subqueries: Vec<Query>,
}

impl Visitor for References {
    type Break = ();

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        if self.depth == 0 {
            self.subqueries.push(q.clone());
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            match e {
                Expr::Identifier(i) => self.columns.push(vec![i.clone()]),
                Expr::CompoundIdentifier(v) => self.columns.push(v.clone()),
                _ => {}
            }
        }
        ControlFlow::Continue(())
    }
}

/// For what the walk does not model: note text, read on the line of the
/// first mention of `notes` or of a column named `text`, if any.
fn mentions_note_text<V: Visit>(node: &V) -> Taint {
    struct Mentions(Option<usize>);
    impl Visitor for Mentions {
        type Break = ();
        fn pre_visit_relation(&mut self, r: &ObjectName) -> ControlFlow<()> {
            if let Some(i) = last_part(r).filter(|i| lower(i) == SOURCE_TABLE) {
                self.0.get_or_insert(line_of(i));
            }
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            let id = match e {
                Expr::Identifier(i) => Some(i),
                Expr::CompoundIdentifier(v) => v.last(),
                _ => None,
            };
            if let Some(i) = id.filter(|i| lower(i) == SOURCE_COLUMN) {
                self.0.get_or_insert(line_of(i));
            }
            ControlFlow::Continue(())
        }
    }
    let mut m = Mentions(None);
    let _ = node.visit(&mut m);
    m.0.map_or(Taint::Clean, Taint::Text)
}

fn exclude_names(ex: &sqlparser::ast::ExcludeSelectItem) -> Vec<String> {
    use sqlparser::ast::ExcludeSelectItem;
    match ex {
        ExcludeSelectItem::Single(n) => last_part(n).map(lower).into_iter().collect(),
        ExcludeSelectItem::Multiple(v) => v.iter().filter_map(last_part).map(lower).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> HashMap<String, Vec<String>> {
        let t = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        HashMap::from([
            (
                "notes".to_string(),
                t(&[
                    "note_id",
                    "patient_id",
                    "note_date",
                    "note_type",
                    "claim_id",
                    "provider_id",
                    "text",
                ]),
            ),
            (
                "claims".to_string(),
                t(&["claim_id", "line_number", "cpt_code", "modifiers"]),
            ),
            (
                "note_facts".to_string(),
                t(&["note_id", "claim_id", "grades", "muscle_group"]),
            ),
        ])
    }

    fn line(sql: &str) -> Option<usize> {
        evidence_reads_note_text(sql, &tables()).unwrap()
    }

    #[test]
    fn note_text_into_evidence_is_found_with_its_line() {
        let cases: [(&str, usize); 16] = [
            ("SELECT claim_id, text AS evidence FROM notes", 1),
            ("SELECT claim_id,\n  n.text AS evidence\nFROM notes n", 2),
            (
                "SELECT claim_id, upper(substr(text, 1, 40)) AS evidence FROM notes",
                1,
            ),
            (
                "SELECT claim_id, 'note: ' || text AS evidence FROM notes",
                1,
            ),
            (
                "SELECT claim_id, CASE WHEN text ILIKE '%mmt%' THEN 'MMT' END AS evidence FROM notes",
                1,
            ),
            (
                "WITH t AS (\n SELECT claim_id, text AS body FROM notes)\nSELECT claim_id, body AS evidence FROM t",
                2,
            ),
            (
                "WITH t(c, b) AS (SELECT claim_id, text FROM notes)\nSELECT c AS claim_id, b AS evidence FROM t",
                1,
            ),
            (
                "SELECT claim_id, evidence FROM (\nSELECT claim_id, text AS evidence FROM notes) x",
                2,
            ),
            (
                "SELECT * FROM (SELECT claim_id, text AS evidence FROM notes)",
                1,
            ),
            (
                "SELECT * RENAME (text AS evidence) FROM (SELECT claim_id, text FROM notes)",
                1,
            ),
            (
                "SELECT c.claim_id, (SELECT first(n.text) FROM notes n\n WHERE n.claim_id = c.claim_id) AS evidence FROM claims c",
                1,
            ),
            (
                "SELECT claim_id, 'x' AS evidence FROM claims UNION ALL SELECT claim_id, text FROM notes",
                1,
            ),
            (
                "SELECT claim_id, string_agg(text, '; ') AS evidence FROM notes GROUP BY claim_id",
                1,
            ),
            (
                "SELECT c.claim_id, n.text AS evidence FROM claims c JOIN notes n ON n.claim_id = c.claim_id",
                1,
            ),
            (
                "SELECT claim_id, body AS evidence FROM (SELECT n.* RENAME (text AS body) FROM notes n)",
                1,
            ),
            (
                "SELECT claim_id, upper(x.evidence) FROM (SELECT claim_id, text AS evidence FROM notes) x",
                1,
            ),
        ];
        for (sql, want) in cases {
            assert_eq!(line(sql), Some(want), "{sql}");
        }
    }

    #[test]
    fn note_text_used_only_to_choose_rows_is_allowed() {
        for sql in [
            "SELECT claim_id, 'mentions MMT' AS evidence FROM notes WHERE text ILIKE '%mmt%'",
            "SELECT claim_id, grades AS evidence FROM note_facts",
            "SELECT claim_id FROM notes WHERE length(text) > 10",
            "SELECT n.claim_id, n.note_id AS evidence FROM notes n JOIN claims c ON c.claim_id = n.claim_id AND n.text LIKE '%x%'",
            "WITH notes AS (SELECT claim_id, cpt_code AS text FROM claims)\nSELECT claim_id, text AS evidence FROM notes",
            "SELECT claim_id, cpt_code AS evidence FROM claims",
            "SELECT * EXCLUDE (text) FROM (SELECT claim_id, note_id AS evidence, text FROM notes)",
        ] {
            assert_eq!(line(sql), None, "{sql}");
        }
    }
}
