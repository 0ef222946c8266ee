import ai.djl.engine.Engine;

/**
 * Has DJL unpack libtorch and its JNI library into DJL_CACHE_DIR the way it does at a service's
 * first start, so that the learner image carries them ready and its start writes nothing.
 * Run with the learner's class path: java -cp 'lib/main/*' UnpackLibtorch.java
 */
public class UnpackLibtorch {
  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.out.println("libtorch " + Engine.getEngine("PyTorch").getVersion());
  }
}
