"""Suite files the bench writes for our server, as TOML text."""
import json


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def suite_toml(name, db_block, cfg):
    L = [f"suite = {toml_str(name)}", "default_db = \"main\"", "", "[db.main]"] + db_block + [""]
    for i, case in enumerate(cfg):
        L += ["[[case]]", f"name = \"case {i}\"", ""]
        for sql in case["setup"]:
            L += ["  [[case.setup]]", f"  sql = {toml_str(sql)}", ""]
    return "\n".join(L)
