/**
 * A progress bar on a terminal; plain lines (every 10 %) when output is not a TTY, so logs stay readable.
 */
export function progressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  let lastTenth = -1;
  let lastDraw = 0;
  return (done, total) => {
    const frac = total === 0 ? 1 : done / total;
    if (stream.isTTY) {
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round(frac * width);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`,
      );
      if (done >= total) stream.write('\n');
      return;
    }
    const tenth = Math.floor(frac * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(
        `${label}: ${tenth * 10}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})\n`,
      );
    }
  };
}
