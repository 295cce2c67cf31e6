export function App() {
  return (
    <main className="placeholder">
      <h1>离线知识库 Offline KB</h1>
      <p>资料库界面即将推出。 The library UI is coming soon.</p>
    </main>
  );
}
