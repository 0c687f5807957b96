"""procbox/waitsite.py: the program's line an operation was made on, for the Timeline."""

import unittest

import layer  # noqa: F401  (puts workers/python on sys.path)

from procbox import waitsite


def operation():
    """Stands for the layer's call that reports an operation: its caller is the program."""
    return waitsite.caller_line(2)


def program():
    return operation()  # the program's line


PROGRAM_LINE = f"test_waitsite.py:{program.__code__.co_firstlineno + 1}"


class CallerLineTest(unittest.TestCase):
    def test_names_the_programs_line(self):
        self.assertEqual(program(), PROGRAM_LINE)
        self.assertEqual(program(), PROGRAM_LINE)  # and again, from what it remembered

    def test_a_line_remembered_for_freed_code_is_not_given_to_other_code(self):
        program()
        # As if the code that was remembered were freed and its id given to this code.
        for where, (_code, line) in list(waitsite._shown_lines.items()):
            if line == PROGRAM_LINE:
                waitsite._shown_lines[where] = (compile("pass", "other.py", "exec"), "other.py:1")
        self.assertEqual(program(), PROGRAM_LINE)


if __name__ == "__main__":
    unittest.main()
