"""Stand-ins for the course's helper and test modules, for the audit's worker process only.

When a learner's file imports ``dnn_utils_v2``, ``testCases_v4a``, ``public_tests``, ``gc_utils`` …
and the module is not beside the file, the worker (``chainrule.audit.worker``) finds it here: this
folder is put at the END of the worker's ``sys.path``, so a real module beside the file (or an
installed one) always wins, and nothing here is importable by that name outside the audit.

Each module has the course's names, arguments and return values, on chainrule's one
implementation (``chainrule.course``, ``chainrule.activations``, ``chainrule.datasets``): e.g.
``sigmoid(Z)`` returns ``(A, cache)`` in ``dnn_utils``, but ``s`` alone in ``gc_utils``. The
test-case generators reproduce the course's seeds (those of ``testCases_v4a`` for week 4). Plots
and loaders that need the course's files raise a clear error when called. A name a module does
not have is an error that names the course file to put beside the learner's file.
"""
