using ProtocolEngine.Data.Writing;
using ProtocolEngine.Language.DataModel;
using ProtocolEngine.Runtime.Data;

namespace ProtocolEngine.Data.Synthetic;

/// <summary>The datasets the generator writes, their variables (SDTMIG labels), widths and Dataset-JSON types.</summary>
internal static class SynthSchemas
{
    public sealed record Dataset(string Name, string Label, ColumnSpec[] Columns)
    {
        public int this[string column] => Array.FindIndex(Columns, c => c.Name == column) is int i and >= 0 ? i
            : throw new InvalidOperationException($"{Name} has no column {column}.");
    }

    // Indexes into All; the generator addresses datasets by these constants.
    public const int DM = 0, SV = 1, DS = 2, MH = 3, CM = 4, EX = 5, AE = 6, LB = 7, VS = 8, EG = 9, QS = 10;

    public static readonly Dataset[] All =
    [
        Make("DM", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 SUBJID:C8 RFSTDTC:D RFENDTC:D RFXSTDTC:D RFXENDTC:D RFICDTC:D RFPENDTC:D DTHDTC:D DTHFL:C1 SITEID:C4 BRTHDTC:P AGE:I AGEU:C5 SEX:C1 RACE:C41 ETHNIC:C22 ARMCD:C8 ARM:C20 ACTARMCD:C8 ACTARM:C20 COUNTRY:C3 DMDTC:D DMDY:I"),
        Make("SV", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 VISITNUM:F VISIT:C12 VISITDY:I SVSTDTC:D SVENDTC:D SVSTDY:I"),
        Make("DS", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 DSSEQ:I DSTERM:C60 DSDECOD:C40 DSCAT:C20 DSSTDTC:D DSSTDY:I"),
        Make("MH", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 MHSEQ:I MHTERM:C60 MHDECOD:C60 MHCAT:C40 MHBODSYS:C80 MHSTDTC:P MHENRTPT:C8"),
        Make("CM", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 CMSEQ:I CMTRT:C60 CMDECOD:C40 CMINDC:C60 CMCLAS:C60 CMCLASCD:C7 CMDOSE:F CMDOSU:C10 CMDOSFRQ:C8 CMROUTE:C30 CMSTDTC:P CMENDTC:P CMENRTPT:C8"),
        Make("EX", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 EXSEQ:I EXTRT:C12 EXDOSE:F EXDOSU:C4 EXDOSFRM:C8 EXDOSFRQ:C4 EXROUTE:C12 EXSTDTC:D EXENDTC:D EXSTDY:I EXENDY:I"),
        Make("AE", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 AESEQ:I AETERM:C60 AEDECOD:C60 AEBODSYS:C80 AESEV:C8 AESER:C1 AEACN:C30 AEREL:C8 AEOUT:C40 AESCONG:C1 AESDISAB:C1 AESDTH:C1 AESHOSP:C1 AESLIFE:C1 AESMIE:C1 AETOXGR:C1 AESTDTC:P AEENDTC:P AESTDY:I AEENDY:I"),
        Make("LB", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 LBSEQ:I LBTESTCD:C8 LBTEST:C40 LBCAT:C12 LBORRES:C12 LBORRESU:C16 LBSTRESC:C12 LBSTRESN:F LBSTRESU:C16 LBSTNRLO:F LBSTNRHI:F LBNRIND:C8 LBSTAT:C8 LBBLFL:C1 VISITNUM:F VISIT:C12 LBDTC:T LBDY:I"),
        Make("VS", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 VSSEQ:I VSTESTCD:C8 VSTEST:C30 VSPOS:C8 VSORRES:C8 VSORRESU:C10 VSSTRESC:C8 VSSTRESN:F VSSTRESU:C10 VSSTAT:C8 VSBLFL:C1 VISITNUM:F VISIT:C12 VSDTC:D VSDY:I"),
        Make("EG", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 EGSEQ:I EGTESTCD:C8 EGTEST:C40 EGORRES:C10 EGORRESU:C10 EGSTRESC:C10 EGSTRESN:F EGSTRESU:C10 EGBLFL:C1 VISITNUM:F VISIT:C12 EGDTC:D EGDY:I"),
        Make("QS", "STUDYID:C12 DOMAIN:C2 USUBJID:C20 QSSEQ:I QSTESTCD:C8 QSTEST:C40 QSCAT:C40 QSORRES:C8 QSSTRESC:C8 QSSTRESN:F QSBLFL:C1 VISITNUM:F VISIT:C12 QSDTC:D QSDY:I"),
    ];

    // NAME:KIND with kind Cn (text of width n), I (integer), F (number), D (full ISO date), P (ISO date, possibly partial), T (ISO date-time).
    private static Dataset Make(string name, string columns)
    {
        var domain = SdtmModel.Sdtmig34.FindDomain(name) ?? throw new InvalidOperationException($"SDTMIG lacks {name}.");
        var specs = columns.Split(' ').Select(token =>
        {
            var parts = token.Split(':');
            var label = domain.FindVariable(parts[0])?.Label;
            var kind = parts[1];
            return kind[0] switch
            {
                'C' => new ColumnSpec(parts[0], false, new ColumnMetadata(label, int.Parse(kind[1..], System.Globalization.CultureInfo.InvariantCulture), DataType: "string")),
                'I' => new ColumnSpec(parts[0], true, new ColumnMetadata(label, DataType: "integer")),
                'F' => new ColumnSpec(parts[0], true, new ColumnMetadata(label, DataType: "double")),
                'D' => new ColumnSpec(parts[0], false, new ColumnMetadata(label, 10, DataType: "date")),
                'P' => new ColumnSpec(parts[0], false, new ColumnMetadata(label, 10, DataType: "string")),
                'T' => new ColumnSpec(parts[0], false, new ColumnMetadata(label, 16, DataType: "datetime")),
                _ => throw new InvalidOperationException($"Unknown column kind in {token}."),
            };
        }).ToArray();
        return new Dataset(name, domain.Label, specs);
    }
}
