/** Text with every occurrence of the given terms marked (case-insensitive for Latin). */
export function Highlight({ text, terms }: { text: string; terms: string[] }) {
  const usable = [...new Set(terms.filter((t) => t.trim() !== ''))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return <>{text}</>;
  const pattern = new RegExp(`(${usable.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  const parts = text.split(pattern);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : part))}</>;
}
