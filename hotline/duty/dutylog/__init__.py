"""The duty log (值班日志): what happened on duty, reviewed and signed by a supervisor each day."""
