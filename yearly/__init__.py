"""The yearly implementation report ("báo cáo kết quả thực hiện", DESIGN.md §4 item 5).

A unit asks its direct sub-units for the report of a school year by a due date (`ReportCall`);
each sub-unit writes its `ImplementationReport` (numbers and exemplar lists computed from the
dossiers and the registry, free-text sections it fills in), prints it in the official layout and
sends it up; the asking unit sees who has and has not reported. It reads dossiers and the
registry and prints through `reporting`; no other app imports it.
"""
