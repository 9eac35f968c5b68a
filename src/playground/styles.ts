/** The page's look: Slack-like, in one small stylesheet. */
export const STYLES = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d1c1d; height: 100vh; display: flex; flex-direction: column; }
form.inline { display: inline; }
button { font: inherit; cursor: pointer; border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 3px 10px; }
button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
button.danger { color: #e01e5a; border-color: #e01e5a; }
button.link { border: none; background: none; color: inherit; padding: 0; }
button[disabled] { opacity: .5; cursor: default; }
.top-bar { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 8px 14px; background: #3f0e40; color: #fff; }
.top-bar button { padding: 2px 8px; }
.brand { font-weight: 700; }
.clock { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.clock-label { opacity: .7; font-size: 12px; }
#app-clock { font-weight: 700; margin-right: 6px; }
.story-caption { margin-left: 8px; font-style: italic; }
.person-picker { margin-left: auto; }
.person-picker select { max-width: 380px; }
.notice-bar .notice { margin: 0; padding: 6px 14px; background: #fff4e5; border-bottom: 1px solid #f0c36d; }
.layout { flex: 1; display: flex; min-height: 0; }
.sidebar { width: 230px; background: #4a154b; color: #e9d8ea; overflow-y: auto; padding: 8px 0; flex-shrink: 0; }
.sidebar h3 { font-size: 12px; text-transform: uppercase; opacity: .7; margin: 12px 14px 4px; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li a, .sidebar li button { display: block; padding: 2px 14px; color: inherit; text-decoration: none; text-align: left; width: 100%; }
.sidebar li.active { background: #1164a3; color: #fff; }
main { flex: 1; display: flex; min-width: 0; }
.pane { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.pane > section { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.pane.thread { max-width: 420px; border-left: 1px solid #ddd; }
.pane-head { padding: 8px 16px; border-bottom: 1px solid #ddd; display: flex; gap: 12px; align-items: baseline; }
.pane-head h2 { margin: 0; font-size: 17px; }
.pane-head .close { margin-left: auto; text-decoration: none; }
.members { color: #616061; font-size: 12px; }
.messages { flex: 1; overflow-y: auto; padding: 8px 16px; }
.message { padding: 6px 0; border-bottom: 1px solid #f3f3f3; }
.message.ephemeral { background: #f8f8f8; padding: 6px 8px; }
.only-you, .edited, .app-tag { color: #616061; font-size: 11px; }
.app-tag { background: #eee; padding: 0 3px; border-radius: 2px; }
.author { font-weight: 700; }
.command { color: #616061; padding: 4px 0; }
.message-foot { display: flex; gap: 10px; align-items: center; font-size: 12px; margin-top: 2px; }
.small { font-size: 12px; padding: 0 6px; }
.reaction { background: #e8f5fa; border: 1px solid #1d9bd1; border-radius: 10px; padding: 0 6px; }
.bk-header { font-weight: 700; font-size: 16px; margin: 4px 0; }
.bk-section { display: flex; gap: 10px; margin: 4px 0; }
.bk-section-body { flex: 1; }
.bk-fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.bk-context { color: #616061; font-size: 12px; margin: 4px 0; display: flex; gap: 8px; flex-wrap: wrap; }
.bk-actions { display: flex; gap: 6px; flex-wrap: wrap; margin: 6px 0; }
.bk-button { display: inline-block; padding: 3px 10px; border: 1px solid #bbb; border-radius: 4px; text-decoration: none; color: inherit; }
.bk-button.primary { background: #007a5a; color: #fff; }
.bk-divider { border: none; border-top: 1px solid #ddd; }
blockquote { margin: 2px 0; padding-left: 10px; border-left: 4px solid #ddd; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
time.date { border-bottom: 1px dotted #999; }
.composer { display: flex; gap: 6px; padding: 8px 16px; border-top: 1px solid #ddd; }
.composer textarea { flex: 1; font: inherit; padding: 6px; border: 1px solid #bbb; border-radius: 6px; resize: vertical; }
.empty { color: #888; }
.modal-backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex; align-items: center; justify-content: center; }
.modal { background: #fff; border-radius: 8px; width: 560px; max-height: 90vh; overflow-y: auto; padding: 0 0 12px; }
.modal header { display: flex; justify-content: space-between; align-items: center; padding: 10px 16px; border-bottom: 1px solid #ddd; }
.modal header h2 { margin: 0; font-size: 18px; }
.modal-body { padding: 8px 16px; }
.modal footer { padding: 0 16px; text-align: right; }
.input-block { margin: 10px 0; display: flex; flex-direction: column; gap: 4px; }
.input-block label { font-weight: 700; }
.input-block input[type=text], .input-block select, .input-block textarea { font: inherit; padding: 5px; }
.radios label { font-weight: normal; display: block; }
.radios small, .hint { display: block; color: #616061; font-weight: normal; }
.field-error { color: #e01e5a; }
.matrix-page .matrix-columns { display: flex; gap: 16px; padding: 12px 16px; overflow-y: auto; flex: 1; min-height: 0; }
.matrix-page .editor { flex: 3; min-width: 0; }
.matrix-page .tools { flex: 2; min-width: 0; }
#routing { width: 100%; font: 12px/1.4 ui-monospace, Menlo, monospace; }
.editor-buttons { display: flex; gap: 6px; margin: 6px 0; }
.problems.ok { color: #007a5a; }
.code { background: #fafafa; border: 1px solid #eee; padding: 6px; overflow-x: auto; font-size: 12px; }
.code .line.bad { background: #fde8ee; }
.code .problem { color: #e01e5a; font-weight: 700; }
.explain-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.explain-result, .replay-result { background: #fafafa; border: 1px solid #eee; padding: 6px; font-size: 12px; white-space: pre-wrap; }
.digest h3 small { font-weight: normal; color: #616061; }
`;
