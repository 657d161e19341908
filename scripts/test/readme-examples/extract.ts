/** One ```ts or ```js block of a README, and whether the README marks it as not meant to run. */
export interface ReadmeBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: "ts" | "js";
  readonly code: string;
  /** The reason given in `<!-- readme-example: no-run REASON -->` right before the block, if any. */
  readonly noRun?: string;
}

const FENCE = /^```(ts|typescript|js|javascript)\b(.*)$/;
const NO_RUN = /^<!--\s*readme-example:\s*no-run\b(.*?)-->\s*$/;

/** Every TypeScript and JavaScript block of a Markdown text, in order. */
export function extractBlocks(file: string, markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith("```")) end++;
    // The marker sits on the last non-blank line before the fence.
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === "") prev--;
    const marker = prev >= 0 ? NO_RUN.exec(lines[prev]!.trim()) : null;
    blocks.push({
      file,
      line: i + 1,
      lang: open[1]!.startsWith("t") ? "ts" : "js",
      code: lines.slice(i + 1, end).join("\n"),
      ...(marker ? { noRun: marker[1]!.trim() } : {}),
    });
    i = end;
  }
  return blocks;
}
