//! Sections of report.html, one module each, with a `render(h, page)` that
//! writes its part of the page (`html::render` calls them in page order).
//! Each reads the summary, the aggregates and the charts through
//! [`super::html::Page`]; each section's numbers come from its aggregate in
//! `report/aggregates/<section>.rs`.

pub mod check;
pub mod definitions;
pub mod documentation;
pub mod header;
pub mod months;
pub mod payers;
pub mod providers;
pub mod rejects;
pub mod sample;
pub mod summary;
pub mod trend;
