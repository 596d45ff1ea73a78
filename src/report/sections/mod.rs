//! Sections of report.html, one module each, with a `render(h, page)` that
//! writes its `<section>`.

pub mod sample;
pub mod trend;
