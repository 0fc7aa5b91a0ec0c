/** Copy to the clipboard: a button, and a read-only value (a link, a token) with one. */
import { useRef, useState } from "react";

/**
 * "Copy" that says "Copied" for a moment. When the clipboard is refused (no permission, plain
 * http on another host) it calls `onFail` and still says "Copied" if given one; otherwise it
 * stays as it was.
 */
export function CopyButton({ text, label = "Copy", onFail }: { text: string; label?: string; onFail?(): void }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="btn btn-small" onClick={async () => {
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        if (!onFail) return;
        onFail();
      }
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    }}>{done ? "Copied" : label}</button>
  );
}

export function CopyField({ label, value }: { label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="copy-field">
      <input ref={input} className="input mono" readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} />
      {/* Without the clipboard, the text is left selected to copy by hand. */}
      <CopyButton text={value} onFail={() => input.current?.select()} />
    </div>
  );
}
