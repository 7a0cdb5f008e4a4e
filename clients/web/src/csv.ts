// CSV as RFC 4180 with what spreadsheets need: UTF-8 with a byte-order mark, CRLF line ends,
// quoting where needed, and any cell that a spreadsheet would read as a formula (starting with
// =, +, -, @, tab or carriage return) prefixed with an apostrophe so it stays text.

export function cell(value: string | number): string {
  let v = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function csv(header: string[], rows: (string | number)[][]): string {
  return "\uFEFF" + [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** Offers `text` as a file download named `filename`. */
export function download(filename: string, text: string): void {
  downloadBlob(filename, new Blob([text], { type: "text/csv;charset=utf-8" }));
}

/** Offers `blob` as a file download named `filename`. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
