using System.Text;
using ProtocolEngine.Language.Compilation;
using ProtocolEngine.Language.Text;

namespace ProtocolEngine.Language.Tests.Limits;

/// <summary>Generated protocols and a thread with a small stack, for the limit tests.</summary>
internal static class LimitsTestSupport
{
    public const string Header = "protocol T version \"1\"\n  data SDTM \"3.4\"\n\n";

    /// <summary>A protocol whose one criterion has the given rule.</summary>
    public static string WithRule(string rule) => Header + "criteria\n  inclusion I1 \"Generated.\"\n    " + rule + "\n";

    public static CompiledProtocol Compile(string text, CompilerLimits? limits = null) =>
        new ProtocolCompiler(new InMemorySourceResolver(new Dictionary<string, string>()), new CompilerOptions { Limits = limits ?? CompilerLimits.Default })
            .CompileFresh(new SourceText(text, "main.protocol"));

    /// <summary>Runs <paramref name="work"/> on a thread with the stack of a thread-pool thread (1.5 MB) or smaller.</summary>
    public static T OnStack<T>(int kilobytes, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, kilobytes * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("The work failed on a small stack.", failure);
        return result;
    }

    /// <summary>
    /// A protocol of about <paramref name="characters"/> characters made of blocks like the shipped protocols': definitions,
    /// a code list, criteria with queries and timing phrases, and a check whose message has placeholders.
    /// </summary>
    public static string Generated(int characters)
    {
        const string block = """
            define Age{i}: Coalesce(DM.AGE, years between DM.BRTHDTC and @2014-01-01)
            define Postmenopausal{i}: exists (MH M where M.MHDECOD = 'Postmenopausal' and M.MHSTDTC 30 days or less before @2014-01-01)

            codelist Therapies{i} "Therapies" system "ATC"
              "N06DA02" "donepezil", "N06DA03" "rivastigmine"

            criteria
              inclusion INCL{i} "Males and postmenopausal females at least 50 years of age."
                Age{i} >= 50 and (DM.SEX = 'M' or Postmenopausal{i})
              exclusion EXCL{i} "Therapy within 30 days."
                exists (CM C where C.CMDECOD in Therapies{i} and C.CMENDTC 30 days or less before @2014-01-01)

            check CHK{i} "No study procedure before informed consent"
              severity error
              for each SV S where S.SVSTDTC is not null
              expect not (S.SVSTDTC before DM.RFICDTC)
              message "Visit {S.VISIT} on {S.SVSTDTC}, before informed consent on {DM.RFICDTC}"


            """;
        var sb = new StringBuilder(Header);
        for (int i = 0; sb.Length < characters; i++) sb.Append(block.Replace("{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        return sb.ToString();
    }
}
