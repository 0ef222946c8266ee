package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class GifWriterTest {

  private static final int HEIGHT_PX = 210;
  private static final int WIDTH_PX = 160;

  @TempDir Path dir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Frame k is filled with colour (10k, 255 - 10k, 128), with a white pixel at (y, x) = (k, 2k), so
   * the decoded frames show which source frame each is.
   */
  private static byte[] frame(int k) {
    byte[] rgb = new byte[HEIGHT_PX * WIDTH_PX * 3];
    for (int p = 0; p < HEIGHT_PX * WIDTH_PX; p++) {
      rgb[3 * p] = (byte) (10 * k);
      rgb[3 * p + 1] = (byte) (255 - 10 * k);
      rgb[3 * p + 2] = (byte) 128;
    }
    int white = (k * WIDTH_PX + 2 * k) * 3;
    rgb[white] = rgb[white + 1] = rgb[white + 2] = (byte) 255;
    return rgb;
  }

  private static int rgbOf(int k) {
    return (10 * k) << 16 | (255 - 10 * k) << 8 | 128;
  }

  @Test
  void everyNthFrameIsWrittenScaledWithItsDelayAndLoopingForever() throws Exception {
    Path gif = dir.resolve("game.gif");
    int scale = 2;
    try (GifWriter writer =
        new GifWriter(gif, HEIGHT_PX, WIDTH_PX, new GifWriter.Settings(70, scale, 3))) {
      for (int k = 0; k < 10; k++) {
        writer.append(frame(k));
        assertFalse(Files.exists(gif), "the GIF appears only when complete");
      }
      assertEquals(4, writer.framesWritten()); // source frames 0, 3, 6, 9
    }

    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream input = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(input);
      assertEquals(4, reader.getNumImages(true));
      for (int i = 0; i < 4; i++) {
        int k = 3 * i;
        BufferedImage image = reader.read(i);
        assertEquals(WIDTH_PX * scale, image.getWidth());
        assertEquals(HEIGHT_PX * scale, image.getHeight());
        assertEquals(rgbOf(k), image.getRGB(100, 300) & 0xFFFFFF, "frame " + i);
        // The white pixel became a scale x scale block, bordered by the fill colour.
        int x = 2 * k * scale;
        int y = k * scale;
        for (int d = 0; d < scale * scale; d++) {
          assertEquals(
              0xFFFFFF, image.getRGB(x + d % scale, y + d / scale) & 0xFFFFFF, "frame " + i);
        }
        assertEquals(rgbOf(k), image.getRGB(x + scale, y + scale) & 0xFFFFFF, "frame " + i);

        IIOMetadataNode root =
            (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        Node control = root.getElementsByTagName("GraphicControlExtension").item(0);
        assertEquals("7", control.getAttributes().getNamedItem("delayTime").getNodeValue());
        if (i == 0) {
          Node loop = root.getElementsByTagName("ApplicationExtension").item(0);
          assertEquals(
              "NETSCAPE", loop.getAttributes().getNamedItem("applicationID").getNodeValue());
          byte[] loopCount = (byte[]) ((IIOMetadataNode) loop).getUserObject();
          assertEquals(0, loopCount[1] | loopCount[2] << 8, "0 loops forever");
        }
      }
    } finally {
      reader.dispose();
    }
    assertOnly(List.of(gif));
  }

  @Test
  void anAtariGameStreamsWithoutHoldingItsFrames() throws Exception {
    Path gif = dir.resolve("long.gif");
    try (GifWriter writer = new GifWriter(gif, HEIGHT_PX, WIDTH_PX, GifWriter.Settings.DEFAULT)) {
      byte[] rgb = frame(1);
      for (int k = 0; k < 2_000; k++) {
        rgb[k * 3] = (byte) 255; // one more white pixel each frame, so frames differ
        writer.append(rgb);
      }
    }
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream input = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(input);
      assertEquals(2_000, reader.getNumImages(true));
    } finally {
      reader.dispose();
    }
  }

  @Test
  void framesOfOneColourAndOfMoreThan256AreWrittenToo() throws Exception {
    byte[] black = new byte[HEIGHT_PX * WIDTH_PX * 3];
    byte[] gradient = new byte[HEIGHT_PX * WIDTH_PX * 3]; // 33,600 colours: quantized
    for (int y = 0; y < HEIGHT_PX; y++) {
      for (int x = 0; x < WIDTH_PX; x++) {
        int p = (y * WIDTH_PX + x) * 3;
        gradient[p] = (byte) x;
        gradient[p + 1] = (byte) y;
        gradient[p + 2] = (byte) 128;
      }
    }
    Path gif = dir.resolve("colours.gif");
    try (GifWriter writer = new GifWriter(gif, HEIGHT_PX, WIDTH_PX, GifWriter.Settings.DEFAULT)) {
      writer.append(black);
      writer.append(gradient);
    }

    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream input = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(input);
      assertEquals(2, reader.getNumImages(true));
      assertEquals(0, reader.read(0).getRGB(80, 100) & 0xFFFFFF);
      int quantized = reader.read(1).getRGB(120, 200);
      assertEquals(120, quantized >> 16 & 0xFF, 32);
      assertEquals(200, quantized >> 8 & 0xFF, 32);
      assertEquals(128, quantized & 0xFF, 32);
    } finally {
      reader.dispose();
    }
  }

  @Test
  void badFramesAndSettingsAreRejectedAndAFailedGifLeavesNoFile() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new GifWriter.Settings(15, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new GifWriter.Settings(10, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new GifWriter.Settings(50, 0, 1));

    Path gif = dir.resolve("bad.gif");
    GifWriter writer = new GifWriter(gif, HEIGHT_PX, WIDTH_PX, GifWriter.Settings.DEFAULT);
    assertThrows(IllegalArgumentException.class, () -> writer.append(new byte[7]));
    IllegalStateException noFrames = assertThrows(IllegalStateException.class, writer::close);
    assertTrue(noFrames.getMessage().contains("no frame"), noFrames.getMessage());
    writer.close(); // again: nothing
    assertThrows(IllegalStateException.class, () -> writer.append(frame(0)));
    assertOnly(List.of());
  }

  private void assertOnly(List<Path> expected) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(expected, files.toList()); // no temporary file left behind
    }
  }
}
