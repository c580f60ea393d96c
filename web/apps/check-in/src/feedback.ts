// What staff hear and feel with each verdict, so their eyes can stay on the queue: one high
// beep and a short buzz to admit, two low beeps and a long buzz to refuse.
let audio: AudioContext | undefined;

function beep(context: AudioContext, start: number, frequency: number, duration: number): void {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = 'square';
  oscillator.frequency.value = frequency;
  // A quick ramp in and out: no click at the edges.
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.2, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(start);
  oscillator.stop(start + duration + 0.02);
}

export function signal(kind: 'admit' | 'refuse'): void {
  try {
    navigator.vibrate?.(kind === 'admit' ? 120 : [250, 100, 250]);
  } catch {
    // Vibration is a courtesy: some browsers refuse it without a gesture.
  }
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
    const now = audio.currentTime;
    if (kind === 'admit') beep(audio, now, 1320, 0.12);
    else {
      beep(audio, now, 330, 0.18);
      beep(audio, now + 0.25, 247, 0.25);
    }
  } catch {
    // No audio output: the screen still says it all.
  }
}
