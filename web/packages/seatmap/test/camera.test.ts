import { describe, expect, it } from 'vitest';
import { Camera, cameraKeyAction, levelOfDetailAt, pinchStep, wheelZoomFactor } from '../src/camera.ts';
import { SEAT_PITCH } from '../src/scene.ts';

describe('camera', () => {
  it('maps world to screen and back', () => {
    const camera = new Camera({ width: 800, height: 600 });
    camera.x = 100;
    camera.y = 50;
    camera.scale = 2;
    expect(camera.worldToScreen({ x: 150, y: 100 })).toEqual({ x: 100, y: 100 });
    expect(camera.screenToWorld({ x: 100, y: 100 })).toEqual({ x: 150, y: 100 });
    expect(camera.visibleRect()).toEqual({ minX: 100, minY: 50, maxX: 500, maxY: 350 });
  });

  it('zooms about the pointer, keeping the world point under it still', () => {
    const camera = new Camera({ width: 800, height: 600 });
    const at = { x: 200, y: 150 };
    const before = camera.screenToWorld(at);
    camera.zoomAt(at, 3);
    expect(camera.scale).toBe(3);
    const after = camera.screenToWorld(at);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('clamps the zoom', () => {
    const camera = new Camera({ width: 800, height: 600 }, { minScale: 0.5, maxScale: 4 });
    camera.zoomBy(100);
    expect(camera.scale).toBe(4);
    camera.zoomBy(0.0001);
    expect(camera.scale).toBe(0.5);
  });

  it('moves the world with a drag', () => {
    const camera = new Camera({ width: 800, height: 600 });
    camera.scale = 2;
    const grabbed = camera.screenToWorld({ x: 300, y: 300 });
    camera.panBy(40, -20);
    expect(camera.worldToScreen(grabbed)).toEqual({ x: 340, y: 280 });
  });

  it('fits content centred with padding, limited by the tighter dimension', () => {
    const camera = new Camera({ width: 800, height: 600 });
    camera.fit({ minX: 0, minY: 0, maxX: 2000, maxY: 500 }, 0);
    expect(camera.scale).toBeCloseTo(0.4);
    expect(camera.worldToScreen({ x: 1000, y: 250 })).toEqual({ x: 400, y: 300 });
    camera.fit({ minX: 0, minY: 0, maxX: 2000, maxY: 500 }, 100);
    expect(camera.scale).toBeCloseTo(0.3);
  });

  it('reveals a rectangle by the least pan', () => {
    const camera = new Camera({ width: 800, height: 600 });
    camera.reveal({ minX: 900, minY: 100, maxX: 930, maxY: 130 }, 0);
    expect(camera.visibleRect().maxX).toBe(930);
    expect(camera.y).toBe(0);
  });

  it('keeps the centre on resize', () => {
    const camera = new Camera({ width: 800, height: 600 });
    camera.resize({ width: 400, height: 600 });
    expect(camera.screenToWorld({ x: 200, y: 300 })).toEqual({ x: 400, y: 300 });
  });

  it('picks the level of detail from the seat pitch on screen', () => {
    expect(levelOfDetailAt(1 / SEAT_PITCH)).toBe('far');
    expect(levelOfDetailAt(10 / SEAT_PITCH)).toBe('near');
    expect(levelOfDetailAt(30 / SEAT_PITCH)).toBe('labels');
  });

  it('turns wheel and pinch gestures into zoom steps', () => {
    expect(wheelZoomFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100, 0)).toBeLessThan(1);
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48, 0));
    expect(wheelZoomFactor(100, 0) * wheelZoomFactor(-100, 0)).toBeCloseTo(1);
    const step = pinchStep(
      { a: { x: 100, y: 100 }, b: { x: 200, y: 100 } },
      { a: { x: 60, y: 120 }, b: { x: 260, y: 120 } },
    );
    expect(step.factor).toBe(2);
    expect(step.pan).toEqual({ x: 10, y: 20 });
    expect(step.centre).toEqual({ x: 160, y: 120 });
  });

  it('maps camera keys, leaving plain arrows to seat navigation', () => {
    expect(cameraKeyAction('+', false)).toEqual({ kind: 'zoom', factor: 1.25 });
    expect(cameraKeyAction('0', false)).toEqual({ kind: 'fit' });
    expect(cameraKeyAction('ArrowLeft', false)).toBeNull();
    expect(cameraKeyAction('ArrowLeft', true)).toEqual({ kind: 'pan', dx: 80, dy: 0 });
  });
});
