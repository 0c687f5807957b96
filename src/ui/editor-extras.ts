/**
 * The editor's larger tools, loaded after the first paint (Editor.enrich) so the first load
 * stays lean: find and replace (Ctrl+F, Ctrl+H), comment toggling (Ctrl+/), the command palette
 * (F1), go to line (Ctrl+G), the context menu, line moves and copies, multiple cursors, folding
 * and bracket matching.
 */
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/quickCommand/register';
import 'monaco-editor/features/gotoLine/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/wordOperations/register';
