// Continuous scanning with the phone's camera: frames go to a Worker running zxing-wasm; a code
// read is handed to the gate once, then the same code is ignored for a moment so the person
// holding their phone up is not scanned twice. Any MediaStream will do as the source.
import { Button } from '@boxoffice/ui';
import { useEffect, useRef, useState } from 'react';
import type { FrameAnswer, FrameRequest } from './scan-worker.ts';

export interface CameraScannerProps {
  onCode: (text: string) => void;
  /** Where the frames come from; the rear camera by default. */
  openStream?: () => Promise<MediaStream>;
}

/** The same code again within this long is the same person still holding it up. */
const REPEAT_MS = 3_000;
/** Frames wider than this are scaled down: a QR on a phone screen needs no more. */
const MAX_WIDTH = 960;

function rearCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
}

interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

function cameraProblem(cause: unknown): string {
  const name = cause instanceof DOMException ? cause.name : '';
  if (name === 'NotAllowedError')
    return 'The camera is blocked. Allow it in the browser settings, or type codes below.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'This device has no camera to use.';
  if (name === 'NotReadableError') return 'Another app is using the camera.';
  if (!navigator.mediaDevices) return 'The camera needs a secure (https) address.';
  return `The camera could not start: ${cause instanceof Error ? cause.message : String(cause)}`;
}

export default function CameraScanner({ onCode, openStream = rearCamera }: CameraScannerProps) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string>();
  const [track, setTrack] = useState<MediaStreamTrack>();
  const [torch, setTorch] = useState(false);
  const [running, setRunning] = useState(false);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    const worker = new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module' });
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    let last = { text: '', at: 0 };
    let frameId = 0;
    let busy = false;

    const next = (delay: number) => {
      if (!stopped) timer = window.setTimeout(grab, delay);
    };
    const grab = () => {
      const element = video.current;
      if (!element || !context || busy || element.readyState < 2 || !element.videoWidth) return next(100);
      const scale = Math.min(1, MAX_WIDTH / element.videoWidth);
      canvas.width = Math.round(element.videoWidth * scale);
      canvas.height = Math.round(element.videoHeight * scale);
      context.drawImage(element, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      busy = true;
      const request: FrameRequest = { id: ++frameId, image };
      worker.postMessage(request, [image.data.buffer]);
    };
    worker.onmessage = (event: MessageEvent<FrameAnswer>) => {
      busy = false;
      const { text } = event.data;
      const now = Date.now();
      if (text && (text !== last.text || now - last.at > REPEAT_MS)) {
        last = { text, at: now };
        onCodeRef.current(text);
        // A moment to look at the verdict before the next person steps up.
        return next(700);
      }
      if (text) last.at = now;
      next(60);
    };
    worker.onerror = () => {
      setProblem('The code reader could not start on this device. Type codes below.');
    };

    void (async () => {
      try {
        stream = await openStream();
        if (stopped) {
          for (const t of stream.getTracks()) t.stop();
          return;
        }
        const element = video.current;
        if (!element) return;
        element.srcObject = stream;
        await element.play().catch(() => undefined);
        setTrack(stream.getVideoTracks()[0]);
        setRunning(true);
        next(0);
      } catch (cause) {
        if (!stopped) setProblem(cameraProblem(cause));
      }
    })();

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      worker.terminate();
      for (const t of stream?.getTracks() ?? []) t.stop();
    };
  }, [openStream]);

  const torchSupported = !!(track?.getCapabilities?.() as TorchCapabilities | undefined)?.torch;
  const toggleTorch = async () => {
    if (!track) return;
    try {
      await track.applyConstraints({ advanced: [{ torch: !torch } as MediaTrackConstraintSet] });
      setTorch(!torch);
    } catch {
      setProblem('The torch could not be switched.');
    }
  };

  return (
    <div className="camera">
      {problem ? (
        <p className="bx-form-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="camera__frame">
        <video
          ref={video}
          className="camera__video"
          muted
          playsInline
          aria-label="Camera view for scanning tickets"
        />
        <span className="camera__target" aria-hidden="true" />
      </div>
      <p className="camera__hint" role="status">
        {running
          ? 'Scanning: hold the ticket code inside the square.'
          : problem
            ? 'Camera off.'
            : 'Starting the camera…'}
      </p>
      {torchSupported ? (
        <Button variant="secondary" aria-pressed={torch} onClick={() => void toggleTorch()}>
          {torch ? 'Torch off' : 'Torch on'}
        </Button>
      ) : null}
    </div>
  );
}
