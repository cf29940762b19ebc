//! The one integration-test binary: each module covers one side of the tool.

mod catalogue;
mod cli;
mod folder;
mod hostile;
mod matching;
mod pipeline;
mod planning;
mod readers;
mod real_world;
mod rules;
mod scripts;
mod stamping;
mod track;
mod util;
mod workbook;
