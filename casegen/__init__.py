"""casegen: turns the case library's YAML and CSV records into a bilingual MkDocs site.

Data flows one way: load → validate → derive → render → write. Each step is a module.
"""

__version__ = "0.1.0"
