"""procbox/intel.py: the editor's completions, hover and signature help, from the stdlib of the
Python that runs them (here native CPython; in the browser, Pyodide's), read from a buffer that
is parsed and never run."""

import json
import socket
import unittest
from unittest import mock

import layer  # noqa: F401  (puts workers/python on sys.path)

from procbox import intel, intel_scope


def labels(result):
    return [item["label"] for item in result["items"]]


def at_end(source):
    """(line, column), 1-based, just after the buffer's last character."""
    lines = source.split("\n")
    return len(lines), len(lines[-1]) + 1


class CompletionTest(unittest.TestCase):
    def complete(self, source):
        return intel.complete(source, *at_end(source))

    def test_a_module_offers_its_names(self):
        found = labels(self.complete("import threading\nthreading."))
        self.assertIn("Thread", found)
        self.assertIn("Lock", found)
        self.assertNotIn("_shutdown", found)  # private names only once `_` is typed

    def test_private_names_once_an_underscore_is_typed(self):
        self.assertIn("_shutdown", labels(self.complete("import threading\nthreading._")))

    def test_an_assigned_instance_offers_its_class_methods(self):
        source = "import socket\nsock = socket.socket(socket.AF_INET)\nsock."
        found = {item["label"]: item for item in self.complete(source)["items"]}
        self.assertIn("recv", found)
        self.assertIn("connect", found)
        self.assertEqual(found["recv"]["kind"], "function")

    def test_a_with_target_is_its_context_manager(self):
        source = "import socket\nwith socket.socket() as s:\n    s."
        self.assertIn("sendall", labels(self.complete(source)))

    def test_an_aliased_and_a_from_import(self):
        self.assertIn("Thread", labels(self.complete("import threading as th\nth.")))
        source = "from socket import socket\nconn = socket()\nconn."
        self.assertIn("recv", labels(self.complete(source)))

    def test_literals_have_their_builtin_type(self):
        self.assertIn("append", labels(self.complete("items = []\nitems.")))
        self.assertIn("upper", labels(self.complete("name = 'ada'\nname.")))

    def test_unknown_names_and_user_modules_offer_nothing(self):
        self.assertEqual(labels(self.complete("thing.")), [])
        self.assertEqual(labels(self.complete("import server\nserver.")), [])

    def test_only_stdlib_modules_are_imported(self):
        with mock.patch.object(intel_scope.importlib, "import_module") as imported:
            self.complete("import server\nimport antigravity\nserver.")
        imported.assert_not_called()

    def test_global_names_are_builtins_keywords_and_the_buffers_own(self):
        source = "import queue\ndef worker():\n    pass\nwor"
        found = labels(self.complete(source))
        self.assertIn("worker", found)
        self.assertEqual(labels(self.complete("pr")), ["print", "property"])
        self.assertIn("while", labels(self.complete("whi")))

    def test_a_later_broken_line_does_not_hide_earlier_imports(self):
        source = "import threading\nif True\nx = (\nthreading."
        self.assertIn("Thread", labels(self.complete(source)))

    def test_items_carry_a_signature_and_doc(self):
        items = {i["label"]: i for i in self.complete("import threading\nthreading.")["items"]}
        self.assertEqual(items["Thread"]["kind"], "class")
        self.assertTrue(items["Thread"]["detail"].startswith("class Thread(group=None, target"))
        self.assertIn("thread", items["Thread"]["doc"].lower())

    def test_the_buffer_is_never_run(self):
        source = "import os\nos.system('touch /tmp/ran')\nx = os.getpid()\nx."
        with mock.patch("os.system") as system, mock.patch("os.getpid") as getpid:
            self.complete(source)
        system.assert_not_called()
        getpid.assert_not_called()


class HoverTest(unittest.TestCase):
    def test_a_builtin_shows_its_signature_and_doc(self):
        found = intel.hover("print('hi')\n", 1, 3)
        self.assertTrue(found["signature"].startswith("def print("))
        self.assertIn("sep", found["signature"])
        self.assertIn("Prints the values to a stream", found["doc"])
        self.assertEqual((found["startColumn"], found["endColumn"]), (1, 6))

    def test_a_dotted_name_and_a_bound_method(self):
        source = "import socket\nsock = socket.socket()\nsock.connect(('localhost', 1))\n"
        found = intel.hover(source, 3, 8)
        self.assertTrue(found["signature"].startswith("def connect("))
        self.assertNotIn("self", found["signature"])
        self.assertEqual(found["startColumn"], 1)

    def test_an_inferred_name_shows_its_type(self):
        source = "import threading\ndone = threading.Event()\ndone\n"
        found = intel.hover(source, 3, 2)
        self.assertEqual(found["signature"], "done: threading.Event")
        self.assertIn("Class implementing event objects", found["doc"])

    def test_nothing_under_the_cursor(self):
        self.assertIsNone(intel.hover("x = 1\n\n", 2, 1))
        self.assertIsNone(intel.hover("undefined_thing\n", 1, 3))
        self.assertIsNone(intel.hover("for x in y: pass\n", 1, 2))  # a keyword


class SignatureTest(unittest.TestCase):
    def help(self, source):
        return intel.signature_help(source, *at_end(source))

    def test_a_class_call_shows_its_parameters(self):
        found = self.help("import threading\nt = threading.Thread(")
        self.assertTrue(found["label"].startswith("Thread(group=None, target=None"))
        self.assertEqual(found["activeParameter"], 0)
        start, end = found["parameters"][1]
        self.assertEqual(found["label"][start:end], "target=None")

    def test_the_active_parameter_follows_commas_and_keywords(self):
        self.assertEqual(self.help("import threading\nthreading.Thread(None, f, ")["activeParameter"], 2)
        found = self.help("import threading\nthreading.Thread(target=work, daemon=")
        start, end = found["parameters"][found["activeParameter"]]
        self.assertEqual(found["label"][start:end], "daemon=None")

    def test_strings_and_nested_calls_are_respected(self):
        found = self.help("print('a, (b', len(x), ")
        self.assertTrue(found["label"].startswith("print("))
        self.assertIsNone(self.help("print('a')\nx = 1"))
        self.assertTrue(self.help("print(len(")["label"].startswith("len("))

    def test_a_method_of_an_inferred_instance_drops_self(self):
        found = self.help("import socket\ns = socket.socket()\ns.connect(")
        self.assertTrue(found["label"].startswith("connect("))
        self.assertNotIn("self", found["label"])

    def test_the_json_entry(self):
        answer = json.loads(intel.answer("signature", "print(", 1, 7))
        self.assertTrue(answer["label"].startswith("print("))
        self.assertEqual(json.loads(intel.answer("hover", "", 1, 1)), None)


class TolerantParseTest(unittest.TestCase):
    def test_broken_lines_are_left_out(self):
        tree = intel_scope.parse_tolerant("import socket\nwith socket.socket() as s:\n    s.\nx = 1\n")
        scope = intel_scope.Scope(tree)
        self.assertIsInstance(scope.names["s"], intel_scope.Instance)
        self.assertIs(scope.names["s"].cls, socket.socket)
        self.assertIn("x", scope.names)

    def test_an_unclosed_bracket(self):
        scope = intel_scope.Scope(intel_scope.parse_tolerant("import queue\nq = queue.Queue()\nprint(q.get(\n"))
        self.assertIs(scope.names["q"].cls, __import__("queue").Queue)


if __name__ == "__main__":
    unittest.main()
