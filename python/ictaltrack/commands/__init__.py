"""Sub-commands of the ``ictaltrack`` CLI, one module each (see ``ictaltrack.cli``)."""
