//! The knowledge base: entries from `kb/entries/`, compiled in by the build script.
//! (To be filled in: see issue 4.)
