/** A read-only value (a link, a token) with a Copy button. */
import { useState } from "react";

export function CopyField({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-field">
      <input className="input mono" readOnly value={value} aria-label={label} onFocus={(e) => e.target.select()} />
      <button type="button" className="btn btn-small" onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
        } catch {
          // No clipboard permission (plain http on another host): leave the text selected to copy by hand.
          const input = document.activeElement instanceof HTMLInputElement ? document.activeElement : null;
          input?.select();
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}>{copied ? "Copied" : "Copy"}</button>
    </div>
  );
}
