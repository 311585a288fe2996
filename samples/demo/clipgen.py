#!/usr/bin/env python3
"""Plans the demo clips: prints one ffmpeg command per clip and writes the label lists.

Standard library only. Every clip's parameters come from random.Random("<seed>/<split>/<index>"), so a clip does not
change when the count changes, and the same seed always prints the same commands (the noise sources get their seeds
from the same generator). Labels (multi-label; none = a quiet clip):
  motion           an object crossing the scene (a box, person-like block, vehicle-like bar, a small fast or a large
                   slow object, a low-contrast one, or a patch cut from a photograph)
  lighting_change  lights going off, on, off-then-on, on-then-off, flickering off or on, on in two steps, part of
                   them off, dimming or brought up part of the way, or a slow strong ramp
  camera_tamper    the lens covered (a dark, coloured or hand-like object sliding in), sprayed, defocused (a
                   Gaussian or box blur or resampling, any strength, sudden or gradual), or the camera knocked
  loud_sound       an alarm (sweep, steady tone, two-tone, warble, beeps, long beeps, siren, a horn's buzz), a bang,
                   a noise burst, a shout, a recorded sound or speech, at −20 to −1 dBFS peak over a quiet room
Every event and scene is drawn from a named family; the config's `heldout_families` are drawn only in the test split
(and never in train or valid), so the test split measures families the model never saw.
Usage: clipgen.py --seed S --count N --out DIR --material MATERIAL_DIR [--config config.json]
MATERIAL_DIR is what samples/demo/material.sh wrote (photographs, recorded sounds, speech and material.tsv).
Writes DIR/<split>.labels.tsv (path relative to DIR, TAB, comma-separated labels, TAB, what was drawn, TAB,
comma-separated families) and prints, on stdout, one shell command per clip that writes DIR/<split>/<split>_NNNN.mp4.
"""
import argparse
import json
import math
import os
import random
import shlex


def rgb(rng, lo=0, hi=255):
    return "0x%02x%02x%02x" % (rng.randint(lo, hi), rng.randint(lo, hi), rng.randint(lo, hi))


def num(x):
    return ("%.4f" % x).rstrip("0").rstrip(".")


def amplitude(db):
    return 10 ** (db / 20.0)


class Graph:
    """Collects inputs and filter_complex chains for one clip."""

    def __init__(self, w, h, rate):
        self.w, self.h, self.rate = w, h, rate
        self.inputs = []
        self.chains = []
        self.count = 0
        self.sources = 0
        self.randoms = 1

    def label(self, stem):
        self.count += 1
        return "%s%d" % (stem, self.count)

    def source(self, spec):
        """Adds a lavfi input; returns its stream specifier ("3:v" or "4:a")."""
        self.inputs += ["-f", "lavfi", "-i", spec]
        self.sources += 1
        return "%d:%s" % (self.sources - 1, "a" if spec.split("=")[0] in AUDIO_SOURCES else "v")

    def file(self, path, kind, options=()):
        """Adds a file input (a photograph or a recorded sound); returns its stream specifier."""
        self.inputs += list(options) + ["-i", path]
        self.sources += 1
        return "%d:%s" % (self.sources - 1, kind)

    def chain(self, ins, filters, stem="v"):
        out = self.label(stem)
        self.chains.append("".join("[%s]" % i for i in ins) + ",".join(filters) + "[%s]" % out)
        return out

    def split(self, label):
        """Two copies of a stream, for a filter that has no timeline option (scale) to be overlaid from a time on."""
        a, b = self.label("a"), self.label("b")
        self.chains.append("[%s]split[%s][%s]" % (label, a, b))
        return a, b

    def random_state(self):
        """A fresh variable index for aevalsrc's random(), so each noise term has its own sequence."""
        self.randoms += 1
        return self.randoms


AUDIO_SOURCES = {"anoisesrc", "aevalsrc", "sine"}


class Clip:
    """One clip's drawing context: its random generator, split, material and the families drawn so far."""

    def __init__(self, rng, split, cfg, material):
        self.rng, self.split, self.cfg, self.material = rng, split, cfg, material
        self.heldout = set(cfg["heldout_families"])
        self.families = []

    def family(self, group, options):
        """Draws a family of `group` from (name, weight) options: held-out families only in the test split, the
        others only outside it (all of them when the group has no held-out family)."""
        test = self.split == "test"
        pool = [(n, w) for n, w in options if ("%s/%s" % (group, n) in self.heldout) == test]
        pool = pool or list(options)
        total = sum(w for _, w in pool)
        x = self.rng.uniform(0, total)
        for name, weight in pool:
            x -= weight
            if x <= 0:
                break
        self.families.append("%s/%s" % (group, name))
        return name

    def photo(self, heldout):
        names = self.cfg["photos"]["heldout" if heldout else "train"]
        return self.material[self.rng.choice(names)]


def photo_view(g, clip, w, h, heldout):
    """A still photograph: a random crop of the given aspect, scaled, with a small exposure/colour change."""
    rng = clip.rng
    item = clip.photo(heldout)
    aspect, zoom = w / h, rng.uniform(0.55, 1.0)
    filters = ["format=rgb24",
               "crop=w='min(iw,ih*%s)*%s':h='min(iw,ih*%s)*%s/%s':x='(iw-ow)*%s':y='(ih-oh)*%s'" % (
                   num(aspect), num(zoom), num(aspect), num(zoom), num(aspect), num(rng.random()), num(rng.random())),
               "scale=%d:%d" % (w, h),
               "eq=brightness=%s:saturation=%s:gamma=%s" % (num(rng.uniform(-0.08, 0.08)), num(rng.uniform(0.6, 1.2)),
                                                            num(rng.uniform(0.8, 1.25)))]
    if rng.random() < 0.5:
        filters.append("hflip")
    return g.chain([g.file(item["path"], "v")], filters, "photo"), item["name"]


def scene(g, clip, w, h):
    """A still camera view (a photograph, a drawn room or a frozen lavfi pattern); returns its stream label."""
    rng = clip.rng
    r = g.rate
    family = clip.family("scene", [("room", 2), ("pattern", 3), ("photo", 5), ("photo-heldout", 5)])
    size = "%dx%d" % (w, h)
    if family.startswith("photo"):
        view, name = photo_view(g, clip, w, h, family == "photo-heldout")
        filters = ["format=yuv420p", "loop=loop=-1:size=1:start=0", "setpts=N/%d/TB" % r]
        return g.chain([view], filters, "scene"), name
    kind = "room" if family == "room" else rng.choice(["testsrc2", "smptebars", "mandelbrot", "cellauto", "gradients"])
    if kind == "room":
        src = "color=c=%s:s=%s:r=%d" % (rgb(rng, 60, 200), size, r)
        filters = ["trim=end_frame=1"]
        floor = rng.uniform(0.55, 0.75)
        filters.append("drawbox=x=0:y=%d:w=%d:h=%d:c=%s:t=fill" % (h * floor, w, h, rgb(rng, 30, 150)))
        for _ in range(rng.randint(1, 4)):
            bw, bh = rng.uniform(0.08, 0.3) * w, rng.uniform(0.1, 0.45) * h
            filters.append("drawbox=x=%d:y=%d:w=%d:h=%d:c=%s:t=fill" % (
                rng.uniform(0, w - bw), rng.uniform(0.1 * h, h - bh), bw, bh, rgb(rng, 10, 245)))
        filters.append("noise=alls=%d:allf=u:all_seed=%d" % (rng.randint(4, 14), rng.randint(0, 99999)))
        filters.append("gblur=sigma=%s" % num(rng.uniform(0.5, 1.5)))
    elif kind == "testsrc2":
        src = "testsrc2=s=%s:r=%d" % (size, r)
        filters = ["trim=end_frame=1", "eq=saturation=%s" % num(rng.uniform(0.3, 1.0))]
    elif kind == "smptebars":
        src = "smptebars=s=%s:r=%d" % (size, r)
        filters = ["trim=end_frame=1", "hue=h=%d:s=%s" % (rng.randint(0, 359), num(rng.uniform(0.3, 1.0)))]
    elif kind == "mandelbrot":
        src = "mandelbrot=s=%s:r=%d:maxiter=150:start_x=%s:start_y=%s:start_scale=%s" % (
            size, r, num(rng.uniform(-1.5, 0.3)), num(rng.uniform(-0.8, 0.8)), num(rng.uniform(0.5, 3.0)))
        filters = ["trim=end_frame=1"]
    elif kind == "cellauto":
        src = "cellauto=s=%s:r=%d:rule=%d:seed=%d:full=1" % (size, r, rng.choice([30, 45, 73, 90, 110, 150]),
                                                              rng.randint(0, 99999))
        filters = ["trim=end_frame=1", "format=rgb24",
                   "colorchannelmixer=rr=%s:gg=%s:bb=%s" % tuple(num(rng.uniform(0.2, 0.9)) for _ in range(3)),
                   "gblur=sigma=1"]
    else:
        n = rng.randint(2, 5)
        colours = ":".join("c%d=%s" % (i, rgb(rng)) for i in range(n))
        src = "gradients=s=%s:r=%d:n=%d:type=%d:%s:x0=%d:y0=%d:x1=%d:y1=%d:speed=0.00001" % (
            size, r, n, rng.randint(0, 3), colours, rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0, w),
            rng.uniform(0, h))
        filters = ["trim=end_frame=1"]
    if kind != "room":
        for _ in range(rng.randint(0, 2)):
            bw, bh = rng.uniform(0.1, 0.3) * w, rng.uniform(0.1, 0.3) * h
            filters.append("drawbox=x=%d:y=%d:w=%d:h=%d:c=%s:t=fill" % (
                rng.uniform(0, w - bw), rng.uniform(0, h - bh), bw, bh, rgb(rng)))
    filters += ["format=yuv420p", "loop=loop=-1:size=1:start=0", "setpts=N/%d/TB" % r]
    return g.chain([g.source(src)], filters, "scene"), kind


def ramp(t0, d):
    """0 before t0, rising linearly to 1 over d seconds."""
    return "clip((t-%s)/%s,0,1)" % (num(t0), num(max(d, 0.05)))


MOTION_FAMILIES = [("box", 2), ("person", 2), ("vehicle", 2), ("small-fast", 1), ("large-slow", 1),
                   ("low-contrast", 1), ("cutout", 2)]


def add_motion(g, clip, base, w, h, dur, blind_at):
    """Overlays 1-2 objects crossing the view, each starting at least 2 s before `blind_at` (when the lens gets
    covered); returns the new stream label and a description."""
    rng = clip.rng
    notes = []
    for _ in range(rng.choice([1, 1, 1, 2])):
        kind = clip.family("motion", MOTION_FAMILIES)
        cross = rng.uniform(2.5, min(7.0, dur - 1.5))
        if kind == "person":
            ow, oh = rng.uniform(0.07, 0.14) * w, rng.uniform(0.3, 0.55) * h
        elif kind == "vehicle":
            ow, oh = rng.uniform(0.25, 0.4) * w, rng.uniform(0.12, 0.22) * h
        elif kind == "small-fast":
            ow, oh = rng.uniform(0.04, 0.08) * w, rng.uniform(0.06, 0.14) * h
            cross = rng.uniform(1.2, 3.0)
        elif kind == "large-slow":
            ow, oh = rng.uniform(0.3, 0.5) * w, rng.uniform(0.3, 0.6) * h
            cross = rng.uniform(5.0, min(9.0, dur - 1.0))
        else:
            ow, oh = rng.uniform(0.1, 0.25) * w, rng.uniform(0.1, 0.35) * h
        ow, oh = int(ow) // 2 * 2 + 2, int(oh) // 2 * 2 + 2
        if kind == "cutout":
            patch, _ = photo_view(g, clip, ow, oh, clip.split == "test")
            obj = g.chain([patch], ["format=yuva420p", "loop=loop=-1:size=1:start=0", "setpts=N/%d/TB" % g.rate],
                          "obj")
        else:
            filters = ["format=yuva420p"]
            if kind == "person":
                filters.append("drawbox=x=0:y=0:w=iw:h=ih/5:c=%s:t=fill" % rgb(rng, 120, 230))
            elif kind == "vehicle":
                filters.append("drawbox=x=iw/8:y=ih*2/3:w=iw*3/4:h=ih/3:c=0x202020:t=fill")
            if kind == "low-contrast":
                grey = rng.randint(80, 170)
                colour = "0x%02x%02x%02x" % tuple(max(0, min(255, grey + rng.randint(-15, 15))) for _ in range(3))
            else:
                filters.append("drawbox=x=0:y=0:w=iw:h=ih:c=%s:t=2" % rng.choice(["black", "white"]))
                colour = rgb(rng, 0, 70) if rng.random() < 0.5 else rgb(rng, 170, 255)
            obj = g.chain([g.source("color=c=%s:s=%dx%d:r=%d" % (colour, ow, oh, g.rate))], filters, "obj")
        t0 = rng.uniform(0.3, max(0.3, min(dur - cross - 0.3, blind_at - 2.0)))
        direction = rng.choice(["lr", "rl", "lr", "rl", "tb", "diag"])
        y = rng.uniform(0.2 * h, max(0.2 * h, h - oh))
        x = rng.uniform(0, max(0, w - ow))
        if direction == "lr":
            xs, ys = ("-%d+%d*%s" % (ow, w + ow, ramp(t0, cross)), num(y))
        elif direction == "rl":
            xs, ys = ("%d-%d*%s" % (w, w + ow, ramp(t0, cross)), num(y))
        elif direction == "tb":
            xs, ys = (num(x), "-%d+%d*%s" % (oh, h + oh, ramp(t0, cross)))
        else:
            xs, ys = ("-%d+%d*%s" % (ow, w + ow, ramp(t0, cross)), "%d*%s" % (max(0, h - oh), ramp(t0, cross)))
        base = g.chain([base, obj], ["overlay=x='%s':y='%s':enable='between(t,%s,%s)':shortest=1" % (
            xs, ys, num(t0), num(t0 + cross))])
        notes.append("%s-%s@%s+%s" % (kind, direction, num(round(t0, 1)), num(round(cross, 1))))
    return base, notes


def lighting(clip, dur, change, blind_at):
    """An eq filter: a lighting change (starting at least 2 s before `blind_at`) when `change`, else steady light
    (sometimes a faint flicker). Light is multiplicative: the picture is scaled by k(t) (contrast k, brightness
    −(1−k)/2), as an exposure change on a real camera."""
    rng = clip.rng
    if not change:
        if rng.random() < 0.3:
            clip.families.append("distractor/faint-drift")
            a = rng.uniform(0.01, 0.03)
            return "eq=brightness='%s*sin(%s*t)':eval=frame" % (num(a), num(rng.uniform(0.5, 3))), "steady-faint"
        return None, "steady"
    # Lights come on as often as they go off: the families that start dark (ramp_up, flicker_on, on_stepped) weigh 2,
    # since a dark start followed by other events was where the third round's model went wrong most.
    kind = clip.family("light", [("off", 2), ("on", 2), ("off_on", 1), ("on_off", 1), ("ramp_down", 1),
                                 ("ramp_up", 2), ("flicker_off", 1), ("dim", 1), ("flicker_on", 2),
                                 ("on_stepped", 2), ("half_off", 1), ("brighten", 1)])
    depth = rng.uniform(0.55, 0.9) if kind != "dim" else rng.uniform(0.35, 0.55)
    fade = rng.uniform(0.1, 1.0) if kind != "dim" else rng.uniform(0.5, 3.0)
    if kind in ("half_off", "brighten"):
        # Some of a room's lights going off (a step), or brought up part of the way (a dimmer turned up).
        depth = rng.uniform(0.3, 0.55)
        fade = rng.uniform(0.1, 0.5) if kind == "half_off" else rng.uniform(0.5, 3.0)
    t0 = rng.uniform(1.5, max(1.5, min(dur * 0.55, blind_at - 2.0)))
    t1 = rng.uniform(t0 + 2.0, dur - 1.0)
    if kind in ("off", "dim", "half_off"):
        k = ramp(t0, fade)
    elif kind in ("on", "brighten"):
        k = "(1-%s)" % ramp(t0, fade)
    elif kind == "off_on":
        k = "(%s-%s)" % (ramp(t0, fade), ramp(t1, fade))
    elif kind == "on_off":
        k = "(1-%s+%s)" % (ramp(t0, fade), ramp(t1, fade))
    elif kind == "ramp_down":
        k = ramp(t0 - 1.0, rng.uniform(3.0, dur - t0))
    elif kind == "ramp_up":
        k = "(1-%s)" % ramp(t0 - 1.0, rng.uniform(3.0, dur - t0))
    elif kind == "on_stepped":
        # Lights coming on in two steps (one lamp, then the rest), the clip starting dark.
        first = rng.uniform(0.3, 0.6)
        t2 = min(t0 + rng.uniform(0.8, 2.5), dur - 1.0)
        k = "(1-%s*%s-%s*%s)" % (num(first), ramp(t0, fade), num(1 - first), ramp(t2, rng.uniform(0.1, 0.6)))
    elif kind == "flicker_on":
        # Fluorescent tubes starting: a few flashes, then on; the clip starts dark.
        period = rng.uniform(0.15, 0.4)
        k = "min(1-%s,1-between(t,%s,%s)*lt(mod(t,%s),%s))" % (ramp(t0 + 1.0, 0.1), num(t0), num(t0 + 1.0),
                                                              num(period), num(period / 2))
    else:
        period = rng.uniform(0.15, 0.4)
        k = "max(%s,between(t,%s,%s)*lt(mod(t,%s),%s))" % (ramp(t0 + 1.0, 0.1), num(t0), num(t0 + 1.0),
                                                          num(period), num(period / 2))
    eq = "eq=brightness='%s*%s':contrast='1-%s*%s':saturation='1-%s*%s':eval=frame" % (
        num(-depth / 2), k, num(depth), k, num(depth / 2), k)
    return eq, "%s@%s" % (kind, num(round(t0, 1)))


def slide(rng, w, h, t0, cover, corner=False):
    """Overlay position expressions of a full-frame sheet sliding in from a side (or a corner) from t0 on."""
    r = ramp(t0, rng.uniform(0.3, 1.5))
    if corner:
        sx, sy = rng.choice([-1, 1]), rng.choice([-1, 1])
        return ("%d*(1-%s*%s)" % (sx * w, num(cover), r), "%d*(1-%s*%s)" % (sy * h, num(cover), r))
    side = rng.choice(["left", "right", "top", "bottom"])
    if side == "left":
        return "-%d+%d*%s" % (w, w * cover, r), "0"
    if side == "right":
        return "%d-%d*%s" % (w, w * cover, r), "0"
    if side == "top":
        return "0", "-%d+%d*%s" % (h, h * cover, r)
    return "0", "%d-%d*%s" % (h, h * cover, r)


def sheet(g, colour, w, h, alpha):
    return g.chain([g.source("color=c=%s:s=%dx%d:r=%d" % (colour, w, h, g.rate))],
                   ["format=rgba", "colorchannelmixer=aa=%s" % num(alpha), "format=yuva420p"], "sheet")


def tamper(g, clip, base, w, h, kind, t0):
    """Covers, sprays or defocuses the view from t0 on; returns the new stream label."""
    rng = clip.rng
    at = "enable='gte(t,%s)'" % num(t0)
    if kind == "defocus-scale":
        # Detail lost by resampling (a cheap lens or a focus ring turned): the view shrunk 3-12 times and scaled back.
        shown, hidden = g.split(base)
        factor = rng.uniform(3.0, 12.0) if t0 >= 1.0 else rng.uniform(6.0, 12.0)
        small = "scale=%d:%d:flags=area" % (max(8, w / factor) // 2 * 2, max(8, h / factor) // 2 * 2)
        soft = g.chain([hidden], [small, "scale=%d:%d:flags=%s" % (w, h, rng.choice(["bilinear", "bicubic"]))])
        return g.chain([shown, soft], ["overlay=%s:shortest=1" % at])
    if kind in ("defocus", "defocus-box"):
        # Any strength from soft to a blur; a view that is already defocused when the clip starts is a strong one.
        strength = rng.uniform(0.04 if t0 < 1.0 else 0.012, 0.1) * w
        if kind == "defocus-box":
            return g.chain([base], ["avgblur=sizeX=%d:sizeY=%d:%s" % (max(2, strength * 1.7), max(2, strength * 1.7),
                                                                       at)])
        if rng.random() < 0.5:
            return g.chain([base], ["gblur=sigma=%s:steps=3:%s" % (num(strength), at)])
        steps, d = 3, rng.uniform(0.8, 3.0)
        filters = ["gblur=sigma=%s:steps=3:enable='gte(t,%s)'" % (num(strength / math.sqrt(steps)), num(t0 + i * d / 3))
                   for i in range(steps)]
        return g.chain([base], filters)
    if kind == "spray-patchy":
        # Paint blobs blended onto the smeared view, then softened (the paint sits on the lens, out of focus).
        filters = ["gblur=sigma=%s:%s" % (num(rng.uniform(0.005, 0.02) * w), at)]
        for _ in range(rng.randint(3, 7)):
            bw, bh = rng.uniform(0.25, 0.6) * w, rng.uniform(0.25, 0.6) * h
            filters.append("drawbox=x=%d:y=%d:w=%d:h=%d:c=%s@%s:t=fill:%s" % (
                rng.uniform(-0.1 * w, w - 0.5 * bw), rng.uniform(-0.1 * h, h - 0.5 * bh), bw, bh, rgb(rng, 40, 230),
                num(rng.uniform(0.5, 0.85)), at))
        filters.append("gblur=sigma=%s:%s" % (num(0.03 * w), at))
        return g.chain([base], filters)
    if kind == "cover-hand":
        patch, _ = photo_view(g, clip, w, h, False)
        cover = g.chain([patch], ["gblur=sigma=%s" % num(0.06 * w), "eq=brightness=%s:contrast=0.5" % num(
            rng.uniform(-0.35, 0.0)), "format=yuva420p", "loop=loop=-1:size=1:start=0", "setpts=N/%d/TB" % g.rate],
                        "sheet")
        xs, ys = slide(rng, w, h, t0, rng.uniform(0.85, 1.0))
    elif kind == "spray":
        base = g.chain([base], ["gblur=sigma=%s:%s" % (num(rng.uniform(0.01, 0.025) * w), at)])
        cover = sheet(g, rgb(rng, 40, 230), w, h, rng.uniform(0.55, 0.8))
        xs, ys = slide(rng, w, h, t0, 1.0)
    elif kind == "cover-colour":
        cover = sheet(g, rgb(rng, 30, 250), w, h, rng.uniform(0.9, 1.0))
        xs, ys = slide(rng, w, h, t0, rng.uniform(0.7, 1.0))
    else:
        cover = sheet(g, rgb(rng, 5, 45), w, h, 1.0)
        xs, ys = slide(rng, w, h, t0, rng.uniform(0.85, 1.0), corner=kind == "cover-dark-corner")
    return g.chain([base, cover], ["overlay=x='%s':y='%s':%s:shortest=1" % (xs, ys, at)])


def video(g, clip, labels, dur):
    """Builds the whole picture; returns (output label, notes)."""
    rng = clip.rng
    w, h = g.w, g.h
    notes = []
    m = int(0.05 * w) // 2 * 2
    view, kind = scene(g, clip, w + 2 * m, h + 2 * m)
    notes.append("scene=" + kind)
    tamper_kind, blind_at = None, dur
    if "camera_tamper" in labels:
        tamper_kind = clip.family("tamper", [("cover-dark", 2), ("cover-colour", 1), ("cover-hand", 1),
                                             ("cover-dark-corner", 2), ("spray", 1), ("spray-patchy", 1),
                                             ("defocus", 2), ("defocus-scale", 2), ("defocus-box", 2),
                                             ("knocked", 1)])
        others = any(name in labels for name in ("motion", "lighting_change"))
        low = 0.0 if tamper_kind.startswith("defocus") and not others and rng.random() < 0.25 else 1.5
        t_tamper = rng.uniform(dur * 0.6, dur * 0.8) if others else rng.uniform(low, dur * 0.6)
        notes.append("tamper=%s@%s" % (tamper_kind, num(round(t_tamper, 1))))
        if tamper_kind != "knocked":
            blind_at = t_tamper
    if tamper_kind == "knocked":
        other, kind2 = scene(g, clip, w + 2 * m, h + 2 * m)
        view = g.chain([view, other], ["overlay=enable='gte(t,%s)':shortest=1" % num(t_tamper)])
        shake = "%d+if(between(t,%s,%s),%d*sin(%%d*t),0)" % (m, num(t_tamper - 0.5), num(t_tamper + 0.4), m)
        view = g.chain([view], ["crop=%d:%d:x='%s':y='%s'" % (w, h, shake % 47, shake % 31)])
    elif rng.random() < clip.cfg["sway_probability"][clip.split]:
        # A camera on a pole swaying in the wind: the whole view drifts by up to 1.5 % of its width. Training clips
        # sway more often than test clips: a swaying view is the commonest false `motion`.
        clip.families.append("distractor/sway")
        a, period = rng.uniform(0.3, 1.0) * min(m, 0.015 * w), rng.uniform(4.0, 12.0)
        view = g.chain([view], ["crop=%d:%d:x='%d+%s*sin(2*PI*t/%s)':y='%d+%s*sin(2*PI*t/%s)'" % (
            w, h, m, num(a), num(period), m, num(a / 2), num(period * 0.7))])
        notes.append("sway")
    else:
        view = g.chain([view], ["crop=%d:%d:%d:%d" % (w, h, m, m)])
    if rng.random() < 0.12 and "motion" not in labels:
        clip.families.append("distractor/tv-inset")
        tw, th = int(w * 0.16) // 2 * 2, int(h * 0.14) // 2 * 2
        tv = g.chain([g.source("testsrc2=s=%dx%d:r=%d" % (tw, th, g.rate))], ["format=yuv420p"], "tv")
        view = g.chain([view, tv], ["overlay=x=%d:y=%d:shortest=1" % (rng.uniform(0, w - tw), rng.uniform(0, h / 2))])
        notes.append("tv-inset")
    if "motion" in labels:
        view, moved = add_motion(g, clip, view, w, h, dur, blind_at)
        notes += ["motion=" + n for n in moved]
    eq, light = lighting(clip, dur, "lighting_change" in labels, blind_at)
    notes.append("light=" + light)
    if eq:
        view = g.chain([view], [eq])
    if tamper_kind not in (None, "knocked"):
        view = tamper(g, clip, view, w, h, tamper_kind, t_tamper)
    grain = rng.randint(1, 8)
    view = g.chain([view], ["noise=alls=%d:allf=t:all_seed=%d" % (grain, rng.randint(0, 99999)),
                            "format=yuv420p", "trim=duration=%s" % num(dur)])
    return view, notes


def tone_phase(f0, df, fm):
    """The phase (in cycles) of a tone at f0 Hz whose frequency swings by ±df Hz at fm Hz."""
    if df == 0:
        return "%s*t" % num(f0)
    return "(%s*t-%s*cos(2*PI*%s*t))" % (num(f0), num(df / (2 * math.pi * fm)), num(fm))


LOUD_FAMILIES = [("sweep", 1), ("bang", 1), ("shout", 1), ("steady-tone", 2), ("two-tone", 2), ("warble", 1),
                 ("beeps", 2), ("siren", 1), ("noise-burst", 1), ("recorded", 2), ("recorded-heldout", 2),
                 ("speech", 1), ("speech-synth", 2), ("horn", 2), ("long-beeps", 1)]


def sound_file(g, clip, item, db, t0, dur, rate, repeat=0):
    """A recorded sound at `db` dBFS peak from t0 on (looped `repeat` more times), padded to the clip."""
    src = g.file(item["path"], "a", ["-stream_loop", str(repeat)] if repeat else [])
    gain = db - float(item["peak"])
    return g.chain([src], ["aresample=%d" % rate, "aformat=sample_fmts=fltp:channel_layouts=mono",
                           "volume=%sdB" % num(gain), "adelay=%d:all=1" % int(t0 * 1000), "apad",
                           "atrim=end=%s" % num(dur)], "snd")


def loud_event(g, clip, dur, rate, terms, streams):
    """Adds one loud event (an expression to `terms` or a sound stream to `streams`); returns its note."""
    rng = clip.rng
    kind = clip.family("sound", LOUD_FAMILIES)
    db = rng.uniform(-20.0, -1.0)
    a = amplitude(db)
    t0 = rng.uniform(0.5, dur - 2.0)
    whole = rng.random() < 0.3
    if whole and kind in ("steady-tone", "two-tone", "warble", "beeps", "siren", "horn", "long-beeps"):
        t0, d = 0.0, dur
    else:
        d = rng.uniform(1.5, dur - t0)
    span = "between(t,%s,%s)" % (num(t0), num(t0 + d))
    if kind == "sweep":
        d = min(d, rng.uniform(1.0, 4.0))
        f0, df, fm = rng.uniform(600, 1200), rng.uniform(200, 500), rng.uniform(0.7, 3.0)
        terms.append("%s*between(t,%s,%s)*sin(2*PI*%s)" % (num(a), num(t0), num(t0 + d), tone_phase(f0, df, fm)))
    elif kind == "bang":
        d = rng.uniform(0.05, 0.3)
        terms.append("%s*gte(t,%s)*exp(-(t-%s)/%s)*(2*random(%d)-1)" % (
            num(a), num(t0), num(t0), num(d), g.random_state()))
    elif kind == "shout":
        d = rng.uniform(0.4, 1.5)
        f0 = rng.uniform(160, 380)
        env = "between(t,%s,%s)*pow(sin(PI*(t-%s)/%s),2)" % (num(t0), num(t0 + d), num(t0), num(d))
        voice = "+".join("%s*sin(2*PI*%s*(t+0.004*sin(2*PI*5*t)))" % (num(amp), num(f0 * k))
                         for k, amp in ((1, 0.5), (2, 0.35), (3, 0.25), (4, 0.15), (5, 0.1)))
        terms.append("%s*%s*(%s+0.15*(2*random(%d)-1))" % (num(a * 0.7), env, voice, g.random_state()))
    elif kind == "steady-tone":
        terms.append("%s*%s*sin(2*PI*%s*t)" % (num(a), span, num(rng.uniform(400, 4000))))
    elif kind == "horn":
        # A fire-alarm horn: a steady buzz rich in odd harmonics (not a pure tone; the pure one is held out).
        f0 = rng.uniform(300, 1200)
        buzz = "+".join("%s*sin(2*PI*%s*t)" % (num(1.0 / n), num(f0 * n)) for n in (1, 3, 5, 7))
        terms.append("%s*%s*(%s)" % (num(a * 0.7), span, buzz))
    elif kind == "long-beeps":
        # A pure tone held 0.6-2.5 s between short gaps (a reversing truck, a door left open).
        on = rng.uniform(0.6, 2.5)
        period = on + rng.uniform(0.15, 0.6)
        terms.append("%s*%s*lt(mod(t-%s,%s),%s)*sin(2*PI*%s*t)" % (
            num(a), span, num(t0), num(period), num(on), num(rng.uniform(500, 3500))))
    elif kind == "two-tone":
        f1 = rng.uniform(400, 1600)
        f2, period = f1 * rng.uniform(1.2, 1.7), rng.uniform(0.3, 1.2)
        terms.append("%s*%s*sin(2*PI*if(lt(mod(t,%s),%s),%s,%s)*t)" % (
            num(a), span, num(period), num(period / 2), num(f1), num(f2)))
    elif kind == "warble":
        f0 = rng.uniform(500, 3500)
        terms.append("%s*%s*sin(2*PI*%s)" % (num(a), span, tone_phase(f0, f0 * rng.uniform(0.03, 0.2),
                                                                      rng.uniform(4, 20))))
    elif kind == "beeps":
        on = rng.uniform(0.08, 0.5)
        period = on + rng.uniform(0.08, 1.0)
        terms.append("%s*%s*lt(mod(t-%s,%s),%s)*sin(2*PI*%s*t)" % (
            num(a), span, num(t0), num(period), num(on), num(rng.uniform(800, 4000))))
    elif kind == "siren":
        period = rng.uniform(1.5, 6.0)
        terms.append("%s*%s*sin(2*PI*%s)" % (num(a), span, tone_phase(rng.uniform(600, 1100), rng.uniform(200, 500),
                                                                      1.0 / period)))
    elif kind == "noise-burst":
        d = min(d, rng.uniform(0.3, 3.0))
        env = "clip(min(t-%s,%s-t)/0.02,0,1)" % (num(t0), num(t0 + d))
        terms.append("%s*%s*(2*random(%d)-1)" % (num(a), env, g.random_state()))
    else:
        pool = {"recorded": "sounds", "recorded-heldout": "sounds_heldout", "speech": "speech",
                "speech-synth": "speech_heldout"}[kind]
        item = clip.material[rng.choice(clip.cfg["material"][pool])]
        seconds = max(0.1, float(item["seconds"]))
        repeat = max(0, min(4, int((dur - t0) / seconds) - 1)) if kind.startswith("recorded") else 0
        repeat = rng.randint(0, repeat)
        streams.append(sound_file(g, clip, item, db, t0, dur, rate, repeat))
        return "%s:%s@%s%+ddB" % (kind, item["name"], num(round(t0, 1)), round(db))
    return "%s@%s%+ddB" % (kind, num(round(t0, 1)), round(db))


def audio(g, clip, loud, dur, rate):
    """A quiet room tone with quiet distractors, plus loud events when `loud`; returns (output label, notes)."""
    rng = clip.rng
    notes = []
    color = rng.choice(["pink", "brown", "white"])
    floor = rng.uniform(0.002, 0.02) if color != "white" else rng.uniform(0.001, 0.008)
    bg = g.source("anoisesrc=color=%s:amplitude=%s:seed=%d:sample_rate=%d:duration=%s" % (
        color, num(floor), rng.randint(0, 99999), rate, num(dur)))
    terms, streams = [], []
    if rng.random() < 0.3:
        clip.families.append("distractor/hum")
        terms.append("%s*sin(2*PI*%d*t)" % (num(rng.uniform(0.005, 0.02)), rng.choice([50, 60, 100, 120])))
        notes.append("hum")
    if not loud:
        # Quiet sounds a room has anyway, at −50 to −32 dBFS peak: a soft beep, a far voice, a fridge whine, a far
        # recorded sound.
        x = rng.random()
        db = rng.uniform(-50.0, -32.0)
        t0 = rng.uniform(0.5, dur - 1.0)
        if x < 0.2:
            clip.families.append("distractor/soft-beep")
            terms.append("%s*sin(2*PI*%d*t)*between(t,%s,%s)" % (
                num(amplitude(db)), rng.randint(600, 2500), num(t0), num(t0 + rng.uniform(0.1, 0.4))))
            notes.append("soft-beep")
        elif x < 0.3:
            clip.families.append("distractor/quiet-tone")
            terms.append("%s*sin(2*PI*%d*t)" % (num(amplitude(db - 5)), rng.randint(400, 4000)))
            notes.append("quiet-tone")
        elif x < 0.45:
            pool = "speech_heldout" if clip.split == "test" else "speech"
            clip.families.append("distractor/quiet-speech" + ("-synth" if clip.split == "test" else ""))
            item = clip.material[rng.choice(clip.cfg["material"][pool])]
            streams.append(sound_file(g, clip, item, db, t0, dur, rate))
            notes.append("quiet-speech:%s" % item["name"])
        elif x < 0.55:
            pool = "sounds_heldout" if clip.split == "test" else "sounds"
            clip.families.append("distractor/quiet-sound")
            item = clip.material[rng.choice(clip.cfg["material"][pool])]
            streams.append(sound_file(g, clip, item, db, t0, dur, rate))
            notes.append("quiet-sound:%s" % item["name"])
    else:
        for _ in range(rng.choice([1, 1, 2])):
            notes.append(loud_event(g, clip, dur, rate, terms, streams))
    expr = "+".join(terms) if terms else "0"
    events = g.source("aevalsrc=exprs='%s':s=%d:d=%s" % (expr, rate, num(dur)))
    layout = rng.choice(["mono", "stereo"])
    mixed = [bg, events] + streams
    out = g.chain(mixed, ["amix=inputs=%d:normalize=0:duration=first" % len(mixed),
                          "alimiter=limit=0.95:level=0", "aformat=channel_layouts=%s" % layout], "aud")
    return out, notes


def plan(cfg, material, seed, split, index, out_dir):
    rng = random.Random("%d/%s/%d" % (seed, split, index))
    clip = Clip(rng, split, cfg, material)
    labels = [name for name in cfg["labels"] if rng.random() < cfg["label_probability"]]
    w, h = rng.choice(cfg["sizes"])
    rate = rng.choice(cfg["frame_rates"])
    dur = round(rng.uniform(*cfg["duration_seconds"]), 1)
    g = Graph(w, h, rate)
    v, vnotes = video(g, clip, labels, dur)
    a, anotes = audio(g, clip, "loud_sound" in labels, dur, rng.choice(cfg["audio_sample_rates"]))
    crf = rng.choice(cfg["crf"])
    bitrate = rng.choice(cfg["audio_bitrates"])
    rel = "%s/%s_%04d.mp4" % (split, split, index)
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + g.inputs + [
        "-filter_complex", ";".join(g.chains), "-map", "[%s]" % v, "-map", "[%s]" % a,
        "-t", num(dur), "-c:v", "libx264", "-preset", "ultrafast", "-crf", str(crf), "-g", str(2 * rate),
        "-threads", "1", "-filter_complex_threads", "1", "-c:a", "aac", "-b:a", "%dk" % bitrate,
        "-fflags", "+bitexact", "-flags", "+bitexact", os.path.join(out_dir, rel)]
    note = "%dx%d@%d crf%d %ss %s %s" % (w, h, rate, crf, num(dur), " ".join(vnotes), " ".join(anotes) or "quiet")
    return shlex.join(cmd), rel, labels, note, clip.families


def read_material(directory):
    items = {}
    with open(os.path.join(directory, "material.tsv")) as f:
        for line in f:
            name, kind, path, seconds, peak = line.rstrip("\n").split("\t")
            items[name] = {"name": name, "kind": kind, "path": path, "seconds": seconds, "peak": peak}
    return items


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True, help="clips over all splits")
    parser.add_argument("--out", required=True)
    parser.add_argument("--material", required=True, help="the folder samples/demo/material.sh wrote")
    parser.add_argument("--config", default=os.path.join(here, "config.json"))
    args = parser.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    material = read_material(args.material)
    weights = cfg["split_weights"]
    total = sum(weights.values())
    sizes = {s: args.count * n // total for s, n in weights.items()}
    sizes["train"] += args.count - sum(sizes.values())
    for split, n in sizes.items():
        os.makedirs(os.path.join(args.out, split), exist_ok=True)
        with open(os.path.join(args.out, split + ".labels.tsv"), "w") as lines:
            for i in range(n):
                cmd, rel, labels, note, families = plan(cfg, material, args.seed, split, i, args.out)
                lines.write("%s\t%s\t%s\t%s\n" % (rel, ",".join(labels), note, ",".join(families)))
                print(cmd)


if __name__ == "__main__":
    main()
