import { Fragment, type ReactNode } from 'react';
import { passageBlocks } from '../../../shared/passageBlocks.ts';

/**
 * A passage's text with its tables drawn as tables (see passageBlocks.ts). `inline` renders a run of text — with
 * search terms marked, or [n] markers as buttons — in prose and in each cell alike.
 */
export function PassageText({ text, inline }: { text: string; inline?: (text: string, key: string) => ReactNode }) {
  const render = inline ?? ((run: string) => run);
  const blocks = passageBlocks(text);
  return (
    <>
      {blocks.map((block, i) => {
        if (block.kind === 'text')
          return (
            <Fragment key={i}>
              {render(block.text, `t${i}`)}
              {i < blocks.length - 1 ? '\n' : null}
            </Fragment>
          );
        return (
          <table key={i} className="passage-table" data-testid="passage-table">
            {block.header ? (
              <thead>
                <tr>
                  {block.header.map((label, c) => (
                    <th key={c} scope="col">
                      {render(label, `h${i}-${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
            ) : null}
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c}>{render(cell, `c${i}-${r}-${c}`)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </>
  );
}
