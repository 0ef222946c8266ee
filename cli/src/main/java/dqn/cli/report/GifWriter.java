package dqn.cli.report;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF of RGB frames that loops forever, written frame by frame through the JDK's GIF
 * writer, so a game of thousands of frames never sits in memory. Each frame gets its own palette:
 * exact when the frame has at most 256 colours (always for Atari frames, whose palette has 128),
 * the JDK's quantization otherwise. The file appears at its path only when {@link #close}
 * completes; if an append failed, close discards it instead.
 *
 * <pre>{@code
 * try (GifWriter gif = new GifWriter(path, 210, 160, new GifWriter.Settings(50, 2, 3))) {
 *   for (byte[] frameRgb : frames) gif.append(frameRgb); // [210,160,3]
 * }
 * }</pre>
 */
public final class GifWriter implements AutoCloseable {

  /**
   * How the frames are written.
   *
   * <p>For real-time playback, {@code frameDelayMs = keepEveryNthFrame ×} the interval of the
   * appended frames: ALE's raw 60 Hz frames, every 3rd at 50 ms; one frame per agent step with
   * frame skip 4 (15 Hz), every one at 70 ms (66.7 in hundredths).
   *
   * @param frameDelayMs how long each written frame shows: a multiple of 10 (GIF counts hundredths
   *     of a second) and at least 20, as browsers show shorter delays at 100 ms
   * @param scaleFactor each pixel becomes a scaleFactor x scaleFactor block
   * @param keepEveryNthFrame writes appended frames 0, n, 2n, ... to keep the file small
   */
  public record Settings(int frameDelayMs, int scaleFactor, int keepEveryNthFrame) {

    /** 20 frames per second at the frames' own size, every frame. */
    public static final Settings DEFAULT = new Settings(50, 1, 1);

    public Settings {
      if (frameDelayMs < 20 || frameDelayMs % 10 != 0) {
        throw new IllegalArgumentException(
            "frameDelayMs must be a multiple of 10 and at least 20, got " + frameDelayMs);
      }
      if (scaleFactor < 1 || keepEveryNthFrame < 1) {
        throw new IllegalArgumentException(
            "scaleFactor and keepEveryNthFrame must be at least 1, got "
                + scaleFactor
                + " and "
                + keepEveryNthFrame);
      }
    }
  }

  private static final String GIF_IMAGE_METADATA = "javax_imageio_gif_image_1.0";

  private final Path gif;
  private final Path temp;
  private final int heightPx;
  private final int widthPx;
  private final Settings settings;
  private final ImageOutputStream output;
  private final ImageWriter writer;
  // Reused for every frame: the writer is done with them when writeToSequence returns.
  private final FramePalette palette = new FramePalette();
  private final byte[] sourceIndices; // [heightPx, widthPx] palette indices
  private final WritableRaster scaledIndices; // [heightPx * scale, widthPx * scale]
  private final byte[] sourceBgr; // [heightPx, widthPx, 3], for frames of more than 256 colours
  private final BufferedImage scaledBgr;

  private long framesAppended;
  private int framesWritten;
  private boolean failed;
  private boolean closed;

  /** Starts a GIF of frames {@code heightPx} x {@code widthPx} (before scaling) at {@code gif}. */
  public GifWriter(Path gif, int heightPx, int widthPx, Settings settings) throws IOException {
    if (heightPx < 1 || widthPx < 1) {
      throw new IllegalArgumentException(
          "frames must be at least 1x1, got " + heightPx + "x" + widthPx);
    }
    this.gif = gif;
    this.heightPx = heightPx;
    this.widthPx = widthPx;
    this.settings = settings;
    int scaledWidthPx = Math.multiplyExact(widthPx, settings.scaleFactor());
    int scaledHeightPx = Math.multiplyExact(heightPx, settings.scaleFactor());
    this.sourceIndices = new byte[heightPx * widthPx];
    this.scaledIndices =
        Raster.createInterleavedRaster(
            DataBuffer.TYPE_BYTE, scaledWidthPx, scaledHeightPx, 1, null);
    this.sourceBgr = new byte[heightPx * widthPx * 3];
    this.scaledBgr = new BufferedImage(scaledWidthPx, scaledHeightPx, BufferedImage.TYPE_3BYTE_BGR);
    this.temp = AtomicFile.tempBeside(gif);
    this.writer = ImageIO.getImageWritersByFormatName("gif").next();
    ImageOutputStream stream = null;
    try {
      stream = ImageIO.createImageOutputStream(temp.toFile());
      writer.setOutput(stream);
      writer.prepareWriteSequence(null);
    } catch (IOException | RuntimeException e) {
      writer.dispose();
      if (stream != null) {
        stream.close();
      }
      Files.deleteIfExists(temp);
      throw e;
    }
    this.output = stream;
  }

  /**
   * Appends one frame, written if it is one of every {@code keepEveryNthFrame}.
   *
   * @param frameRgb {@code [heightPx, widthPx, 3]} row-major, R, G, B per pixel
   */
  public void append(byte[] frameRgb) throws IOException {
    if (closed) {
      throw new IllegalStateException("the GIF " + gif + " is closed");
    }
    if (frameRgb.length != heightPx * widthPx * 3) {
      throw new IllegalArgumentException(
          "a frame of "
              + heightPx
              + "x"
              + widthPx
              + " RGB has "
              + heightPx * widthPx * 3
              + " bytes, got "
              + frameRgb.length);
    }
    if (framesAppended++ % settings.keepEveryNthFrame() != 0) {
      return;
    }
    try {
      BufferedImage image = scaled(frameRgb);
      writer.writeToSequence(new IIOImage(image, null, frameMetadata(image)), null);
      framesWritten++;
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Frames written so far (after dropping). */
  public int framesWritten() {
    return framesWritten;
  }

  /**
   * Finishes the GIF and moves it to its path, replacing an older file. Discards it instead when an
   * append failed or no frame was written (a GIF needs one), the latter with IllegalStateException.
   * Closing again does nothing.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean complete = !failed && framesWritten > 0;
    try {
      try {
        if (complete) {
          writer.endWriteSequence();
        }
      } finally {
        writer.dispose();
        output.close();
      }
      if (complete) {
        AtomicFile.commit(temp, gif);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    if (framesWritten == 0) {
      throw new IllegalStateException("no frame was written, so there is no GIF " + gif);
    }
  }

  /**
   * The frame at its written size: indexed with its own exact palette (which the writer encodes as
   * it is, several times faster than quantizing), or BGR for the writer to quantize.
   */
  private BufferedImage scaled(byte[] frameRgb) {
    if (palette.index(frameRgb, sourceIndices)) {
      scaleInto(sourceIndices, 1, ((DataBufferByte) scaledIndices.getDataBuffer()).getData());
      return new BufferedImage(palette.colorModel(), scaledIndices, false, null);
    }
    for (int p = 0; p < sourceBgr.length; p += 3) {
      sourceBgr[p] = frameRgb[p + 2];
      sourceBgr[p + 1] = frameRgb[p + 1];
      sourceBgr[p + 2] = frameRgb[p];
    }
    scaleInto(sourceBgr, 3, ((DataBufferByte) scaledBgr.getRaster().getDataBuffer()).getData());
    return scaledBgr;
  }

  /**
   * Copies {@code source} {@code [heightPx, widthPx, channels]} into {@code scaled}, each pixel as
   * a scaleFactor x scaleFactor block.
   */
  private void scaleInto(byte[] source, int channels, byte[] scaled) {
    int scale = settings.scaleFactor();
    int scaledRowBytes = widthPx * scale * channels;
    for (int y = 0; y < heightPx; y++) {
      int rowStart = y * scale * scaledRowBytes;
      int out = rowStart;
      for (int in = y * widthPx * channels; in < (y + 1) * widthPx * channels; in += channels) {
        for (int dx = 0; dx < scale; dx++, out += channels) {
          System.arraycopy(source, in, scaled, out, channels);
        }
      }
      // The other rows of the block repeat the first.
      for (int dy = 1; dy < scale; dy++) {
        System.arraycopy(scaled, rowStart, scaled, rowStart + dy * scaledRowBytes, scaledRowBytes);
      }
    }
  }

  /** The frame's delay, and on the first frame the NETSCAPE2.0 extension that loops forever. */
  private IIOMetadata frameMetadata(BufferedImage image) throws IOException {
    IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), null);
    IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(GIF_IMAGE_METADATA);

    IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(settings.frameDelayMs() / 10));
    control.setAttribute("transparentColorIndex", "0");
    root.appendChild(control);

    if (framesWritten == 0) {
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0, forever
      IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
      extensions.appendChild(loop);
      root.appendChild(extensions);
    }
    metadata.setFromTree(GIF_IMAGE_METADATA, root);
    return metadata;
  }

  /** The distinct colours of one frame, at most 256, each with its palette index. */
  private static final class FramePalette {

    private static final int MAX_COLOURS = 256;
    private static final int SLOT_BITS = 10;
    private static final int SLOTS = 1 << SLOT_BITS; // at most a quarter full
    private static final int EMPTY = -1; // no 24-bit colour

    private final int[] slotRgb = new int[SLOTS];
    private final byte[] slotIndex = new byte[SLOTS];
    private final byte[] red = new byte[MAX_COLOURS];
    private final byte[] green = new byte[MAX_COLOURS];
    private final byte[] blue = new byte[MAX_COLOURS];
    private int colours;

    /**
     * Makes the palette of {@code frameRgb} and writes each pixel's index into {@code indices};
     * false when the frame has more than 256 colours.
     */
    boolean index(byte[] frameRgb, byte[] indices) {
      Arrays.fill(slotRgb, EMPTY);
      colours = 0;
      for (int p = 0; p < indices.length; p++) {
        int rgb =
            (frameRgb[3 * p] & 0xFF) << 16
                | (frameRgb[3 * p + 1] & 0xFF) << 8
                | frameRgb[3 * p + 2] & 0xFF;
        int slot = (rgb * 0x9E3779B1) >>> (32 - SLOT_BITS); // Fibonacci hashing
        while (slotRgb[slot] != rgb) {
          if (slotRgb[slot] == EMPTY) {
            if (colours == MAX_COLOURS) {
              return false;
            }
            slotRgb[slot] = rgb;
            slotIndex[slot] = (byte) colours;
            red[colours] = (byte) (rgb >> 16);
            green[colours] = (byte) (rgb >> 8);
            blue[colours] = (byte) rgb;
            colours++;
            break;
          }
          slot = (slot + 1) & (SLOTS - 1);
        }
        indices[p] = slotIndex[slot];
      }
      return true;
    }

    IndexColorModel colorModel() {
      return new IndexColorModel(8, colours, red, green, blue);
    }
  }
}
