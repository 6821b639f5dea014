"""The shift handover (交接班): what passes from one shift to the next, signed by both."""
