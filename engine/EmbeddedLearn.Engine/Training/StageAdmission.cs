using System.Reflection;

namespace EmbeddedLearn.Training;

/// <summary>Which block stages check blocks before a tick (<see cref="IBlockStage.Admit"/>): those whose type implements
/// it; the interface's own does nothing, and a pipeline does not call it on every block of every tick.</summary>
internal static class StageAdmission
{
    /// <summary>Whether <paramref name="stage"/>'s type implements <see cref="IBlockStage.Admit"/> itself.</summary>
    public static bool Checks(IBlockStage stage)
    {
        InterfaceMapping map = stage.GetType().GetInterfaceMap(typeof(IBlockStage));
        int admit = Array.FindIndex(map.InterfaceMethods, method => method.Name == nameof(IBlockStage.Admit));
        return map.TargetMethods[admit].DeclaringType != typeof(IBlockStage);
    }
}
