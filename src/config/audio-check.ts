/**
 * Whether a recording is a file Twilio's <Play> plays, read from its first bytes: a WAV (RIFF
 * header, WAVE, PCM or mu-law) or an MP3 (an ID3 tag or an MPEG audio frame). A text file renamed
 * .wav, or an empty file, would otherwise replace a prompt with silence or an error.
 */

/** WAV formats Twilio plays: 1 = PCM, 7 = mu-law, 6 = a-law. */
const WAV_FORMATS = new Set([1, 6, 7]);

/** What is wrong with the file, or undefined when Twilio can play it. */
export function audioFormatProblem(bytes: Buffer, kind: 'wav' | 'mp3'): string | undefined {
  if (bytes.length === 0) return 'the file is empty: record it again, or remove it so the text is spoken';
  const fix = `export it again as ${kind === 'wav' ? 'WAV (PCM, 8 or 16 bit, mono)' : 'MP3'}, or remove it so the text is spoken`;
  if (kind === 'wav') {
    const riff = bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE';
    if (!riff) return `not a WAV file (no RIFF/WAVE header): ${fix}`;
    const fmt = bytes.indexOf('fmt ', 12, 'latin1');
    if (fmt < 0 || bytes.length < fmt + 10) return `a WAV file without its "fmt " header: ${fix}`;
    const format = bytes.readUInt16LE(fmt + 8);
    if (!WAV_FORMATS.has(format)) return `a WAV file in format ${format}, which Twilio does not play: ${fix}`;
    return undefined;
  }
  const id3 = bytes.toString('latin1', 0, 3) === 'ID3';
  const frame = bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
  if (!id3 && !frame) return `not an MP3 file (no ID3 tag or MPEG frame at the start): ${fix}`;
  return undefined;
}
