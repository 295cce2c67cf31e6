// Vite's `?url` imports: the emitted file's URL (the renderer's tsconfig has no vite/client types: DOM only).
declare module '*?url' {
  const url: string;
  export default url;
}
